// The program's version, set by CMake from project(VERSION).
#pragma once

namespace opsd {
#ifdef OPSD_VERSION
inline constexpr const char* kVersion = OPSD_VERSION;
#else
inline constexpr const char* kVersion = "0.0.0-dev";
#endif
}  // namespace opsd
