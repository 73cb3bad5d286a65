// opsctl: argument parsing, then lib does the work.
#include <cstdio>

#include "version.hpp"

int main() {
  std::printf("opsctl %s\n", opsd::kVersion);
  return 0;
}
