#include "cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "../timing/clock.h"

namespace prtip {
namespace {

constexpr const char* kPrefix = "prtip-perf-";

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 2])) && std::isdigit(static_cast<unsigned char>(s[i + 3]))) {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool WriteFile(const std::string& path, const std::string& text, int* err) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return false;
  }
  ssize_t n = write(fd, text.data(), text.size());
  *err = n == static_cast<ssize_t>(text.size()) ? 0 : (n < 0 ? errno : EIO);
  close(fd);
  return *err == 0;
}

bool ReadPopulated(const std::string& dir) {
  std::ifstream events(dir + "/cgroup.events");
  std::string key;
  int value = 0;
  while (events >> key >> value) {
    if (key == "populated") return value != 0;
  }
  return false;
}

void SleepMs(long ms) {
  timespec ts{0, ms * 1000000L};
  nanosleep(&ts, nullptr);
}

// Removes a cgroup, first killing what is left in it and waiting until it is empty (at
// most ~2 s). Returns whether it held processes.
bool KillAndRemove(const std::string& dir) {
  // The usual end of a run: the cgroup is already empty, and one rmdir is all it takes
  // (it fails with EBUSY while any process is in it).
  if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return false;
  bool populated = ReadPopulated(dir);
  if (populated) {
    int err = 0;
    WriteFile(dir + "/cgroup.kill", "1", &err);
  }
  uint64_t deadline = MonotonicNs() + 2000000000ull;
  while (ReadPopulated(dir) && MonotonicNs() < deadline) SleepMs(1);
  // rmdir fails with EBUSY while the last killed tasks are still leaving.
  while (rmdir(dir.c_str()) != 0 && errno == EBUSY && MonotonicNs() < deadline) SleepMs(1);
  return populated;
}

// Cgroups of earlier prtip-perf processes that died without removing theirs (SIGKILL, crash).
void SweepStale(const std::string& home) {
  DIR* d = opendir(home.c_str());
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.rfind(kPrefix, 0) != 0) continue;
    long owner = std::strtol(name.c_str() + std::strlen(kPrefix), nullptr, 10);
    if (owner <= 0 || owner == getpid()) continue;
    if (kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH) stale.push_back(home + "/" + name);
  }
  closedir(d);
  for (const auto& dir : stale) KillAndRemove(dir);
}

CgroupV2Home FindHome() {
  CgroupV2Home home;
  // Our path in the v2 hierarchy: the "0::" line.
  std::ifstream cg("/proc/self/cgroup");
  std::string line, path;
  bool found_line = false;
  while (std::getline(cg, line)) {
    if (line.rfind("0::", 0) == 0) {
      path = line.substr(3);
      found_line = true;
    }
  }
  if (!found_line) {
    home.reason = "this process is in no cgroup v2 hierarchy (no \"0::\" line in /proc/self/cgroup)";
    return home;
  }
  // The cgroup2 mount whose root contains that path.
  std::ifstream mounts("/proc/self/mountinfo");
  std::string mount_dir;
  while (std::getline(mounts, line)) {
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "cgroup2") continue;
    std::istringstream head(line.substr(0, dash));
    std::string id, parent, devno, root, mountpoint;
    head >> id >> parent >> devno >> root >> mountpoint;
    root = Unescape(root);
    mountpoint = Unescape(mountpoint);
    std::string rel;
    if (root == "/") {
      rel = path;
    } else if (path == root || path.rfind(root + "/", 0) == 0) {
      rel = path.substr(root.size());
    } else {
      continue;
    }
    mount_dir = mountpoint + (rel == "/" ? "" : rel);
    break;
  }
  if (mount_dir.empty()) {
    home.reason = "no cgroup2 file system is mounted where this process's cgroup (" + path + ") can be reached";
    return home;
  }
  struct stat st;
  if (stat(mount_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    home.reason = "this process's cgroup directory " + mount_dir + " is missing (" + std::strerror(errno) + ")";
    return home;
  }
  home.dir = mount_dir;
  SweepStale(home.dir);
  return home;
}

}  // namespace

const CgroupV2Home& OwnCgroupV2() {
  // Never destroyed: a run thread may still use it while the process exits.
  static const CgroupV2Home& home = *new CgroupV2Home(FindHome());
  return home;
}

bool RunCgroup::Create(uint32_t id, std::string* reason) {
  const CgroupV2Home& home = OwnCgroupV2();
  if (home.dir.empty()) {
    *reason = home.reason;
    return false;
  }
  std::string dir = home.dir + "/" + kPrefix + std::to_string(getpid()) + "-" + std::to_string(id);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *reason = "cannot create cgroup " + dir + ": " + std::strerror(errno);
    return false;
  }
  if (access((dir + "/cgroup.kill").c_str(), W_OK) != 0) {
    *reason = "cgroup " + dir + " has no writable cgroup.kill (Linux 5.14 or later is needed): " + std::strerror(errno);
    rmdir(dir.c_str());
    return false;
  }
  dir_ = dir;
  return true;
}

bool RunCgroup::AddProcess(pid_t pid, std::string* reason) {
  int err = 0;
  if (!WriteFile(dir_ + "/cgroup.procs", std::to_string(pid), &err)) {
    *reason = "cannot move the child into cgroup " + dir_ + ": " + std::strerror(err);
    return false;
  }
  return true;
}

void RunCgroup::StartKill() const {
  if (!active()) return;
  int err = 0;
  WriteFile(dir_ + "/cgroup.kill", "1", &err);
}

bool RunCgroup::Remove() {
  if (!active()) return false;
  bool populated = KillAndRemove(dir_);
  dir_.clear();
  return populated;
}

}  // namespace prtip
