/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdio.h>
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

/* Two cached roots: `pid_root` for the files of processes (self/,
 * thread-self/, PID/), a private instance with subset=pid where the kernel
 * has it, so it holds nothing but processes; `sys_root` for the rest
 * (sys/...), a private instance mounted read-only.  A write below sys/ gets
 * a writable instance of its own, closed right after. */
static int pid_root = -1, sys_root = -1;
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
  if (pid_root >= 0)
    close (pid_root);
  if (sys_root >= 0)
    close (sys_root);
  pid_root = sys_root = -1;
}

int
procfs_root_if_open (void)
{
  return pid_root;
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

enum proc_kind
{
  PROC_PIDS,     /* subset=pid: processes only */
  PROC_FULL_RO,  /* everything, read-only */
  PROC_FULL_RW,  /* everything, writable: for one write below sys/ */
};

/* A detached procfs instance of the caller's pid namespace that nobody can
 * mount over: the best root we can get.  It needs the new mount API (5.2)
 * and the right to mount proc; subset=pid needs 5.8. */
static int
open_private_proc (enum proc_kind kind)
{
  cleanup_close int fsfd = -1;
  unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

  fsfd = syscall (SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return -1;
  if (kind == PROC_PIDS)
    (void) syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "subset", "pid", 0);
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  if (kind == PROC_FULL_RO)
    attrs |= MOUNT_ATTR_RDONLY;
  return syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, attrs);
}

/* A private instance, else /proc once checked to be the root of a procfs
 * (where we may not mount proc: a user namespace with a masked /proc). */
static int
open_root (enum proc_kind kind, casing_error_t *err)
{
  int fd = no_private_proc ? -1 : open_private_proc (kind);

  if (fd >= 0 && is_proc_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `/proc`");
  if (! is_proc_root (fd))
    {
      close (fd);
      return casing_error_set (err, EXDEV, "`/proc` is not the root of a procfs mount: refusing to use it");
    }
  return fd;
}

/* The cached handle may have been closed by a mass close of fds in the
 * container setup, and its number reused: check it again. */
static int
cached_root (int *cache, enum proc_kind kind, casing_error_t *err)
{
  if (*cache >= 0 && is_proc_root (*cache))
    return *cache;
  *cache = open_root (kind, err);
  return *cache;
}

int
procfs_root (casing_error_t *err)
{
  return cached_root (&pid_root, PROC_PIDS, err);
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
  cur = fcntl (rootfd, F_DUPFD_CLOEXEC, 0);
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

/* Paths of processes: they resolve in the subset=pid instance. */
static bool
is_process_path (const char *path)
{
  size_t n = strcspn (path, "/");

  if (path[0] >= '0' && path[0] <= '9')
    return true;
  return (n == 4 && strncmp (path, "self", 4) == 0) || (n == 11 && strncmp (path, "thread-self", 11) == 0);
}

/* The root to resolve a process path from: for "PID/...", one of the
 * caller's pid namespace, else the cached one whatever it shows (self and
 * thread-self resolve to the caller in any procfs instance that sees it). */
static int
pid_root_for (const char *path, casing_error_t *err)
{
  int rootfd = procfs_root (err);

  if (rootfd < 0 || path[0] < '0' || path[0] > '9' || root_shows_own_pids (rootfd))
    return rootfd;
  close (pid_root);
  pid_root = -1;
  rootfd = procfs_root (err);
  if (rootfd >= 0 && ! root_shows_own_pids (rootfd))
    return casing_error_set (err, EXDEV, "open `/proc/%s`: the procfs at hand shows another pid namespace", path);
  return rootfd;
}

static int
open_below (int rootfd, const char *path, int flags, casing_error_t *err)
{
  cleanup_close int fd = -1;

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
procfs_open_verified (const char *path, int flags, casing_error_t *err)
{
  cleanup_close int writable = -1;
  int rootfd;

  if (strncmp (path, "/proc/", 6) == 0)
    path += 6;
  while (*path == '/')
    path++;
  if (is_process_path (path))
    rootfd = pid_root_for (path, err);
  else if ((flags & O_PATH) || (flags & O_ACCMODE) == O_RDONLY)
    rootfd = cached_root (&sys_root, PROC_FULL_RO, err);
  else
    rootfd = writable = open_root (PROC_FULL_RW, err);
  if (rootfd < 0)
    return rootfd;
  return open_below (rootfd, path, flags, err);
}

int
procfs_reopen (int fd, int flags, casing_error_t *err)
{
  cleanup_close int dir = procfs_open_verified ("self/fd", O_PATH | O_DIRECTORY, err);
  char name[16];
  int r;

  if (dir < 0)
    return -1;
  snprintf (name, sizeof name, "%d", fd);
  /* The one magic link we follow: our own fd. */
  r = openat (dir, name, flags | O_CLOEXEC | O_NOCTTY);
  if (r < 0)
    return casing_error_errno (err, "reopen fd %d", fd);
  return r;
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
