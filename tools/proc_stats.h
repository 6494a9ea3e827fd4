// A process's CPU time and resident memory from /proc, for the benchmark programs.
#ifndef BARION_GATEWAY_TOOLS_PROC_STATS_H_
#define BARION_GATEWAY_TOOLS_PROC_STATS_H_

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

// User and system CPU seconds of process `pid`.
struct Cpu {
  double user = 0, system = 0;
  double total() const { return user + system; }
};

inline Cpu CpuOf(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(in, line);
  if (line.find(')') == std::string::npos) {
    std::fprintf(stderr, "cannot read /proc/%d/stat: %s\n", pid, std::strerror(errno));
    std::exit(1);
  }
  // Fields after the ")" of the command name; utime and stime are fields 14 and 15.
  std::vector<std::string> f = absl::StrSplit(line.substr(line.rfind(')') + 2), ' ');
  double ut = 0, st = 0;
  absl::SimpleAtod(f[11], &ut);
  absl::SimpleAtod(f[12], &st);
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return Cpu{ut / tick, st / tick};
}

// Resident memory of process `pid` in KiB (VmRSS), or -1.
inline int64_t RssKiB(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kib = -1;
      std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (f.size() >= 2) absl::SimpleAtoi(f[1], &kib);
      return kib;
    }
  }
  return -1;
}

#endif  // BARION_GATEWAY_TOOLS_PROC_STATS_H_
