// opsd: argument parsing, then the daemon in lib/service runs.
#include <cstdio>

#include "version.hpp"

int main() {
  std::printf("opsd %s\n", opsd::kVersion);
  return 0;
}
