// The namespaces this process created: the only ones a send run may enter or target.
// They are created here (not by `ip netns add`) so the registry is filled by the code
// that made them and JS cannot add an entry. Each entry keeps an fd on the namespace:
// its inode (st_dev + st_ino of the nsfs file) is the key, and the open fd stops the
// kernel from reusing that inode for another namespace while the entry exists.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace prtip {

// Where iproute2 keeps named namespaces; `ip -n NAME` and `ip netns exec` look here.
constexpr const char* kNetnsRunDir = "/run/netns";
// Every name created or removed here starts with this; nothing else is ever touched.
constexpr const char* kNetnsPrefix = "prtip-perf-";

// "" if name is acceptable (prefix, [A-Za-z0-9_-], at most 64 bytes), else why not.
std::string NetnsNameProblem(const std::string& name);

// Makes a new network namespace and pins it at /run/netns/<name> like `ip netns add`
// (a bind mount of the namespace file, /run/netns a shared mount), on a short-lived
// thread so no JS or run thread ever changes namespace. Registers it.
// 0, or -errno with the failed call in *syscall.
int NetnsCreate(const std::string& name, std::string* syscall);

// Unregisters, unmounts and unlinks /run/netns/<name>. Absent is not an error.
// 0, or -errno with the failed call in *syscall.
int NetnsRemove(const std::string& name, std::string* syscall);

// Whether the namespace behind this fd is one we created (fstat on the fd: never a path).
bool NetnsFdIsRegistered(int fd);

// Duplicates of the fds of every registered namespace (O_CLOEXEC; the caller closes them).
std::vector<int> RegisteredNetnsFds();

}  // namespace prtip
