// Waiting for the exit of a process opsd did not spawn in this run: a job re-adopted after a
// restart of opsd (any parent) or after opsd's execve (still opsd's child).
#pragma once

#include <optional>

#include <boost/asio/awaitable.hpp>

#include "process/process_identity.hpp"

namespace opsd {

// Completes once the process `id` names has exited (or no longer is that process: its pid was
// reused). Watched through a pidfd (pidfd_open; any process of the same user), else polled every
// 100 ms with kill(pid, 0) and its start time. When it is this process's child it is reaped and
// the result is its exit code (0..255, or -N when killed by signal N); otherwise nullopt: the
// code is unknown. Never completes inline.
boost::asio::awaitable<std::optional<int>> wait_for_adopted_exit(ProcessIdentity id);

}  // namespace opsd
