#include "registry.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <thread>

namespace prtip {

namespace {

struct Entry {
  std::string name;
  dev_t dev;
  ino_t ino;
  int fd;
};

std::mutex registry_mutex;
// Process-wide (namespaces are a process resource; worker threads share them). Never
// destroyed: a detached run thread may consult it during process exit.
std::vector<Entry>& Registry() {
  static auto* entries = new std::vector<Entry>();
  return *entries;
}

int Fail(const char* call, std::string* syscall) {
  const int err = errno;
  *syscall = call;
  return -err;
}

// /run/netns must be a shared mount point, so a bind mount made under it propagates to
// other mount namespaces (an `ip netns exec` child remounts /sys in its own).
int PrepareRunDir(std::string* syscall) {
  if (mkdir(kNetnsRunDir, 0755) != 0 && errno != EEXIST) return Fail("mkdir", syscall);
  if (mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) == 0) return 0;
  // EINVAL: not a mount point yet. Make it one (a bind mount onto itself) and retry once.
  if (errno != EINVAL) return Fail("mount", syscall);
  if (mount(kNetnsRunDir, kNetnsRunDir, "none", MS_BIND | MS_REC, nullptr) != 0) return Fail("mount", syscall);
  if (mount("", kNetnsRunDir, "none", MS_SHARED | MS_REC, nullptr) != 0) return Fail("mount", syscall);
  return 0;
}

// Runs on its own thread: unshare moves only that thread, which then ends.
int CreateOnThisThread(const std::string& path, const std::string& name, std::string* syscall) {
  int rc = PrepareRunDir(syscall);
  if (rc < 0) return rc;
  int file = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (file < 0) return Fail("open", syscall);
  close(file);
  if (unshare(CLONE_NEWNET) != 0) {
    rc = Fail("unshare", syscall);
    unlink(path.c_str());
    return rc;
  }
  if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
    rc = Fail("mount", syscall);
    unlink(path.c_str());
    return rc;
  }
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st{};
  if (fd < 0 || fstat(fd, &st) != 0) {
    rc = Fail(fd < 0 ? "open" : "fstat", syscall);
    if (fd >= 0) close(fd);
    umount2(path.c_str(), MNT_DETACH);
    unlink(path.c_str());
    return rc;
  }
  std::lock_guard<std::mutex> lock(registry_mutex);
  Registry().push_back(Entry{name, st.st_dev, st.st_ino, fd});
  return 0;
}

}  // namespace

std::string NetnsNameProblem(const std::string& name) {
  const std::string prefix = kNetnsPrefix;
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) {
    return "must start with \"" + prefix + "\" and go on after it";
  }
  if (name.size() > 64) return "must be at most 64 bytes long";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return "may hold only letters, digits, '-' and '_'";
  }
  return "";
}

int NetnsCreate(const std::string& name, std::string* syscall) {
  const std::string path = std::string(kNetnsRunDir) + "/" + name;
  int rc = 0;
  std::thread([&] { rc = CreateOnThisThread(path, name, syscall); }).join();
  return rc;
}

int NetnsRemove(const std::string& name, std::string* syscall) {
  const std::string path = std::string(kNetnsRunDir) + "/" + name;
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    auto& entries = Registry();
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (it->name == name) {
        close(it->fd);
        entries.erase(it);
        break;
      }
    }
  }
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) return Fail("umount2", syscall);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Fail("unlink", syscall);
  return 0;
}

bool NetnsFdIsRegistered(int fd) {
  struct stat st{};
  if (fstat(fd, &st) != 0) return false;
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (const Entry& e : Registry()) {
    if (e.dev == st.st_dev && e.ino == st.st_ino) return true;
  }
  return false;
}

std::vector<int> RegisteredNetnsFds() {
  std::vector<int> fds;
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (const Entry& e : Registry()) {
    const int fd = fcntl(e.fd, F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) fds.push_back(fd);
  }
  return fds;
}

}  // namespace prtip
