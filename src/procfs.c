/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "procfs.h"
#include "syscalls.h"
#include "utils.h"

/* The inode number of the root directory of every procfs instance. */
#define PROC_ROOT_INO 1

static int root_fd = -1;
static bool force_fallback, no_private_proc;

void
procfs_test_options (bool no_openat2, bool no_private)
{
  force_fallback = no_openat2;
  no_private_proc = no_private;
}

void
procfs_reset (void)
{
  if (root_fd >= 0)
    close (root_fd);
  root_fd = -1;
}

int
procfs_root_if_open (void)
{
  return root_fd;
}

int
procfs_check_fd (int fd, const char *what, casing_error_t *err)
{
  struct statfs sfs;

  if (fstatfs (fd, &sfs) < 0)
    return casing_error_errno (err, "fstatfs `%s`", what);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return casing_error_set (err, EXDEV, "`%s` is not on procfs (f_type 0x%lx): refusing to use it",
                             what, (unsigned long) sfs.f_type);
  return 0;
}

static bool
is_proc_root (int fd)
{
  struct statfs sfs;
  struct stat st;

  return fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC && fstat (fd, &st) == 0
         && st.st_ino == PROC_ROOT_INO && S_ISDIR (st.st_mode);
}

/* A detached procfs instance nobody else can mount over: the best root we
 * can get.  It needs the new mount API (5.2) and the right to mount proc. */
static int
open_private_proc (void)
{
  cleanup_close int fsfd = -1;
  int mfd;

  fsfd = syscall (SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return -1;
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mfd = syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  return mfd;
}

int
procfs_root (casing_error_t *err)
{
  int fd;

  /* The cached handle may have been closed by a mass close of fds in the
   * container setup, and its number reused: check it again. */
  if (root_fd >= 0 && is_proc_root (root_fd))
    return root_fd;
  root_fd = -1;

  fd = no_private_proc ? -1 : open_private_proc ();
  if (fd >= 0 && ! is_proc_root (fd))
    {
      close (fd);
      fd = -1;
    }
  if (fd < 0)
    {
      fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        return casing_error_errno (err, "open `/proc`");
      if (! is_proc_root (fd))
        {
          close (fd);
          return casing_error_set (err, EXDEV, "`/proc` is not the root of a procfs mount: refusing to use it");
        }
    }
  root_fd = fd;
  return root_fd;
}

static int
mount_id_of (int dirfd, const char *name, uint64_t *out)
{
  struct statx stx;

  if (statx (dirfd, name, AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH), STATX_MNT_ID, &stx) < 0)
    return -1;
  if (! (stx.stx_mask & STATX_MNT_ID))
    {
      errno = ENOSYS;
      return -1;
    }
  *out = stx.stx_mnt_id;
  return 0;
}

/* Without openat2: walk component by component with O_NOFOLLOW, following
 * only the `self` and `thread-self` symlinks of the root by hand, and check
 * that every step stays on the mount of the root. */
static int
open_fallback (int rootfd, const char *path, int flags, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  cleanup_close int cur = -1;
  char *saveptr = NULL, *comp, *next;
  uint64_t root_mnt, mnt;
  char buf[64];

  if (mount_id_of (rootfd, "", &root_mnt) < 0)
    return casing_error_errno (err, "statx procfs root");
  cur = dup (rootfd);
  if (cur < 0)
    return casing_error_errno (err, "dup");
  for (comp = strtok_r (copy, "/", &saveptr); comp; comp = next)
    {
      int fd;
      next = strtok_r (NULL, "/", &saveptr);
      if (strcmp (comp, "..") == 0)
        return casing_error_set (err, EXDEV, "`/proc/%s`: `..` is not allowed", path);
      if (strcmp (comp, "self") == 0 || strcmp (comp, "thread-self") == 0)
        {
          ssize_t n = readlinkat (cur, comp, buf, sizeof buf - 1);
          if (n < 0)
            return casing_error_errno (err, "readlink `/proc/%s`", comp);
          buf[n] = '\0';
          comp = buf; /* "<pid>" or "<pid>/task/<tid>": plain names */
        }
      fd = openat (cur, comp, next ? (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : (flags | O_NOFOLLOW | O_CLOEXEC));
      if (fd < 0)
        return casing_error_errno (err, "open `/proc/%s`", path);
      close (cur);
      cur = fd;
      if (mount_id_of (cur, "", &mnt) < 0)
        return casing_error_errno (err, "statx `/proc/%s`", path);
      if (mnt != root_mnt)
        return casing_error_set (err, EXDEV, "`/proc/%s` crosses a mount point: refusing to use it", path);
    }
  return steal_fd (&cur);
}

/* Whether `self` below the root is the caller's own pid: the root then
 * belongs to the caller's pid namespace and "PID/..." means what the
 * caller means (a root inherited from a parent in another pid namespace,
 * or a /proc of the host seen from a container, shows other numbers). */
static bool
root_shows_own_pids (int rootfd)
{
  char buf[32];
  ssize_t n = readlinkat (rootfd, "self", buf, sizeof buf - 1);

  if (n <= 0)
    return false;
  buf[n] = '\0';
  return strtol (buf, NULL, 10) == (long) getpid ();
}

/* The root to resolve `path` from: for a "PID/..." path, one of the
 * caller's pid namespace, else the cached one whatever it shows (self,
 * thread-self and sys/ resolve to the caller's own process and
 * namespaces in any procfs instance that sees it). */
static int
root_for_path (const char *path, casing_error_t *err)
{
  int rootfd = procfs_root (err);

  if (rootfd < 0 || path[0] < '0' || path[0] > '9' || root_shows_own_pids (rootfd))
    return rootfd;
  procfs_reset ();
  rootfd = procfs_root (err);
  if (rootfd >= 0 && ! root_shows_own_pids (rootfd))
    return casing_error_set (err, EXDEV, "open `/proc/%s`: the procfs at hand shows another pid namespace", path);
  return rootfd;
}

int
procfs_open_verified (const char *path, int flags, casing_error_t *err)
{
  cleanup_close int fd = -1;
  int rootfd;

  if (strncmp (path, "/proc/", 6) == 0)
    path += 6;
  while (*path == '/')
    path++;
  rootfd = root_for_path (path, err);
  if (rootfd < 0)
    return rootfd;

  fd = force_fallback ? -1 : sys_openat2 (rootfd, path, (uint64_t) flags | O_CLOEXEC | O_NOFOLLOW,
                                          RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && (force_fallback || errno == ENOSYS || errno == E2BIG))
    {
      fd = open_fallback (rootfd, path, flags, err);
      if (fd < 0)
        return fd;
    }
  else if (fd < 0)
    {
      if (errno == EXDEV || errno == ELOOP)
        return casing_error_errno (err, "`/proc/%s` leaves procfs or crosses a mount point: refusing to open it", path);
      return casing_error_errno (err, "open `/proc/%s`", path);
    }
  if (procfs_check_fd (fd, path, err) < 0)
    return -1;
  return steal_fd (&fd);
}

int
procfs_write_verified (const char *path, const char *data, size_t len, casing_error_t *err)
{
  cleanup_close int fd = procfs_open_verified (path, O_WRONLY, err);
  ssize_t n;

  if (fd < 0)
    return fd;
  do
    n = write (fd, data, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return casing_error_errno (err, "write `/proc/%s`", path[0] == '/' ? path + 6 : path);
  if ((size_t) n != len)
    return casing_error_set (err, EIO, "write `/proc/%s`: short write", path[0] == '/' ? path + 6 : path);
  return 0;
}
