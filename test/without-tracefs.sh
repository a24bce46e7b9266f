#!/usr/bin/env bash
# Runs a command as on a fresh machine without tracefs, in a private mount namespace, so the
# host's mounts are never touched:
#   test/without-tracefs.sh mountable -- cmd args...     tracefs unmounted; the harness may mount it
#   test/without-tracefs.sh unmountable -- cmd args...   tracefs unmounted and no mount point to mount it on
# "unmountable" covers /sys/kernel with a read-only tmpfs that holds every other entry of
# /sys/kernel (bind-mounted back) but not tracing/ or debug/: mount(2) then fails with ENOENT,
# as where sysfs has no tracing directory, and nothing can create one.
# Needs root (or CAP_SYS_ADMIN) and util-linux's unshare.
set -euo pipefail

# Always a new namespace, also when called from inside one made by this script: the second
# run of this file (marked by the internal first argument) is the one inside it.
private=no
if [ "${1:-}" = --inside-private-mount-namespace ]; then
  private=yes
  shift
fi
mode=${1:-}
if { [ "$mode" != mountable ] && [ "$mode" != unmountable ]; } || [ "${2:-}" != -- ] || [ $# -lt 3 ]; then
  echo "usage: $0 mountable|unmountable -- command [args...]" >&2
  exit 2
fi
shift 2

if [ "$private" = no ]; then
  # Mounts made in the new namespace do not propagate back.
  exec unshare --mount --propagation private "$0" --inside-private-mount-namespace "$mode" -- "$@"
fi
if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
  echo "$0: refusing to unmount anything: this is not a private mount namespace" >&2
  exit 2
fi

# Lazily: an open file under it must not keep it.
for m in /sys/kernel/tracing /sys/kernel/debug/tracing /sys/kernel/debug; do
  umount -l "$m" 2>/dev/null || true
done
if [ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ]; then
  echo "$0: tracefs is still mounted" >&2
  exit 1
fi

if [ "$mode" = unmountable ]; then
  saved=$(mktemp -d /tmp/prtip-perf-sys-kernel.XXXXXX)
  mount --bind /sys/kernel "$saved"
  mount -t tmpfs -o mode=755,size=64k prtip-perf-no-tracefs /sys/kernel
  for entry in "$saved"/*; do
    name=${entry##*/}
    case $name in tracing | debug) continue ;; esac
    if [ -d "$entry" ]; then mkdir "/sys/kernel/$name"; else touch "/sys/kernel/$name"; fi
    mount --bind "$entry" "/sys/kernel/$name"
  done
  mount -o remount,ro /sys/kernel
  umount -l "$saved"
  rmdir "$saved"
fi

exec "$@"
