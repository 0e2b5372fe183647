/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc reached through a handle we checked: a container image (or a
 * malicious bind mount over /proc) must not be able to redirect our writes
 * to uid_map, sysctls or a fake /dev/null (the runc CVEs of 2019 and 2025).
 * Also the two syscalls glibc does not wrap. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "../utils.h"

int
sys_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  struct open_how how = { .flags = flags, .resolve = resolve };
  if (flags & O_CREAT)
    how.mode = 0644;
  return (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

int
sys_pivot_root (const char *new_root, const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}

bool
fd_is_procfs (int fd)
{
  struct statfs sfs;
  return fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int
procfs_open_root (casing_error_t *err)
{
  cleanup_close int fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return casing_error_errno (err, "open `/proc`");
  if (! fd_is_procfs (fd))
    return casing_error_set (err, EXDEV, "`/proc` is not a procfs mount");
  /* The root of a procfs mount has inode 1: anything else is a bind mount
   * of some subdirectory made to look like /proc. */
  if (fstat (fd, &st) < 0)
    return casing_error_errno (err, "stat `/proc`");
  if (st.st_ino != 1)
    return casing_error_set (err, EXDEV, "`/proc` is not the root of a procfs mount");
  return steal_fd (&fd);
}

int
procfs_open (const char *subpath, int flags, casing_error_t *err)
{
  cleanup_close int root = procfs_open_root (err);
  int fd;

  if (root < 0)
    return -1;
  fd = sys_openat2 (root, subpath, flags | O_CLOEXEC | O_NOFOLLOW,
                    RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
  /* A host may have something mounted below /proc (a read-only /proc/sys):
   * crossing it is fine as long as the file we end on is procfs. */
  if (fd < 0 && errno == EXDEV)
    fd = sys_openat2 (root, subpath, flags | O_CLOEXEC | O_NOFOLLOW,
                      RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOSYS)
    fd = openat (root, subpath, flags | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return casing_error_errno (err, "open `/proc/%s`", subpath);
  if (! fd_is_procfs (fd))
    {
      close (fd);
      return casing_error_set (err, EXDEV, "`/proc/%s` is not on procfs", subpath);
    }
  return fd;
}

int
procfs_write (const char *subpath, const char *data, casing_error_t *err)
{
  cleanup_close int fd = procfs_open (subpath, O_WRONLY, err);
  size_t len = strlen (data);
  ssize_t r;

  if (fd < 0)
    return -1;
  /* One write(2): uid_map, timens_offsets and sysctls take the whole value at once. */
  do
    r = write (fd, data, len);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return casing_error_errno (err, "write `/proc/%s`", subpath);
  if ((size_t) r != len)
    return casing_error_set (err, EIO, "write `/proc/%s`: short write", subpath);
  return 0;
}
