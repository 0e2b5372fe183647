/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: no process that a container can see may have a writable
 * host file as its executable.
 *
 * Every casing process that enters a container (the init of `create`, the
 * process of `exec`) is a fork of the casing that the engine started, so
 * its /proc/PID/exe is our executable.  A process of the container that can
 * open that link (CAP_SYS_PTRACE), or that makes the kernel execute it
 * inside the container (`#!/proc/self/exe` swapped in while we execve),
 * gets a handle on the file and reopens it for writing once no host process
 * runs it.
 *
 * So `create`, `run` and `exec` first re-execute themselves from a file
 * nothing can write:
 *  - a detached, read-only bind mount of our own executable (open_tree +
 *    mount_setattr): no copy, the page cache is shared with the host file,
 *    and the mount is in no namespace.  Once the open_tree fd is closed
 *    (close-on-exec), the kernel unmounts it, so not even CAP_SYS_ADMIN can
 *    remount it read-write: mount_setattr and bind mounts refuse a mount
 *    that is no longer mounted;
 *  - when we may not mount (rootless) but can write our executable, a
 *    sealed memfd copy (F_SEAL_WRITE: nobody can ever write it);
 *  - nothing when the file is already read-only for us (a read-only mount,
 *    a sealed memfd, or a root-owned binary we run as an ordinary user).
 * runc >= 1.1.12 and crun do the same with a bind mount on a temporary path
 * or a copy; ours never touches the file system.  The cost is one execveat
 * of ourselves per create/run/exec (see tests/bench). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/trace.h"
#include "core/utils.h"
#include "exe_protect.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* Set in the environment of the re-executed casing only; removed from our
 * environment first thing, so no hook or container process sees it. */
#define SEALED_ENV "_CASING_SEALED_EXE"

extern char **environ;

static struct
{
  bool probed;
  bool sealed;     /* the executable cannot be written through any path */
  bool reexecuted; /* this process is the re-executed casing */
  dev_t dev;
  ino_t ino;
} self_exe;

void
self_exe_startup (void)
{
  if (getenv (SEALED_ENV) == NULL)
    return;
  unsetenv (SEALED_ENV);
  self_exe.reexecuted = true;
}

static bool
fd_is_sealed (int fd)
{
  struct statvfs vfs;
  int seals = fcntl (fd, F_GET_SEALS);

  return (fstatvfs (fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) || (seals >= 0 && (seals & F_SEAL_WRITE));
}

static int
open_self_exe (casing_error_t *err)
{
  int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);

  /* An execute-only binary cannot be opened for reading by a non-root
   * caller; O_PATH still gives its identity and mount. */
  if (fd < 0 && errno == EACCES)
    fd = open ("/proc/self/exe", O_PATH | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `/proc/self/exe`");
  return fd;
}

static int
probe_self_exe (casing_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (self_exe.probed)
    return 0;
  fd = open_self_exe (err);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0)
    return casing_error_errno (err, "fstat `/proc/self/exe`");
  self_exe.dev = st.st_dev;
  self_exe.ino = st.st_ino;
  self_exe.sealed = fd_is_sealed (fd);
  self_exe.probed = true;
  return 0;
}

bool
self_exe_is (const struct stat *st)
{
  return self_exe.probed && st->st_dev == self_exe.dev && st->st_ino == self_exe.ino;
}

/* A detached read-only bind mount of the executable (root, or an owner of
 * our mount namespace); -1 with errno when we may not mount. */
static int
readonly_mount_of (int exe_fd)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
  cleanup_close int tree = open_tree (exe_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

  if (tree < 0)
    return -1;
  if (mount_setattr (tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return -1;
  return steal_fd (&tree);
}

static int
copy_all (int to, int from, off_t size)
{
  off_t off = 0;

  while (off < size)
    {
      ssize_t n = sendfile (to, from, &off, (size_t) (size - off));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? -1 : (errno = EIO, -1);
    }
  return 0;
}

/* A sealed memfd copy of the executable: the fallback without mount rights. */
static int
sealed_copy_of (int exe_fd, casing_error_t *err)
{
  cleanup_close int src = -1, mfd = -1;
  struct stat st;

  src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0 || fstat (src, &st) < 0)
    return casing_error_errno (err, "read our own executable to seal a copy");
  (void) exe_fd;
  mfd = memfd_create ("casing", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL) /* before Linux 6.3 */
    mfd = memfd_create ("casing", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return casing_error_errno (err, "memfd_create for a sealed copy of casing");
  if (copy_all (mfd, src, st.st_size) < 0)
    return casing_error_errno (err, "copy casing into a sealed memfd");
  if (fcntl (mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
    return casing_error_errno (err, "seal the memfd copy of casing");
  return steal_fd (&mfd);
}

/* Whether this process could write its executable: the question a
 * container root that shares our identity asks. */
static bool
exe_writable_by_us (void)
{
  return faccessat (AT_FDCWD, "/proc/self/exe", W_OK, AT_EACCESS) == 0;
}

int
self_exe_seal (char **argv, casing_error_t *err)
{
  cleanup_close int exe = -1, sealed = -1;

  if (probe_self_exe (err) < 0)
    return -1;
  if (self_exe.sealed)
    {
      if (self_exe.reexecuted)
        prctl (PR_SET_NAME, "casing", 0, 0, 0); /* kernels before 6.14 name us "3" */
      return 0;
    }
  if (self_exe.reexecuted)
    return casing_error_set (err, EPERM, "the casing executable is still writable after re-executing "
                                         "from a sealed copy: refusing to enter a container (CVE-2019-5736)");
  exe = open_self_exe (err);
  if (exe < 0)
    return -1;
  sealed = readonly_mount_of (exe);
  if (sealed < 0)
    {
      if (!exe_writable_by_us ())
        return 0;
      sealed = sealed_copy_of (exe, err);
      if (sealed < 0)
        return -1;
    }
  if (setenv (SEALED_ENV, "1", 1) < 0)
    return casing_error_errno (err, "setenv");
  trace_export_for_reexec ();
  syscall (SYS_execveat, sealed, "", argv, environ, AT_EMPTY_PATH);
  unsetenv (SEALED_ENV);
  return casing_error_errno (err, "re-execute casing from a sealed copy of itself");
}

int
self_exe_protect (casing_error_t *err)
{
  if (probe_self_exe (err) < 0)
    return -1;
  /* Rootless stays dumpable: the parent must write the child's uid_map,
   * which a non-dumpable child makes root-owned. */
  if (geteuid () != 0)
    return 0;
  /* Our /proc/PID/{fd,environ,mem} stay out of reach of the container's
   * processes (only CAP_SYS_PTRACE of the initial user namespace passes). */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return casing_error_errno (err, "prctl PR_SET_DUMPABLE");
  return 0;
}
