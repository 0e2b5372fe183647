/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "unit_test.h"
#include "core/procfs.h"
#include "core/utils.h"

static void
test_basic (void)
{
  casing_error_t err = NULL;
  cleanup_free char *buf = NULL;
  int fd;

  fd = procfs_open_verified ("self/status", O_RDONLY, &err);
  CHECK (fd >= 0);
  if (fd >= 0)
    {
      CHECK (read_all_fd (fd, "status", &buf, NULL, NULL) == 0 && strstr (buf, "Name:") != NULL);
      CHECK (fcntl (fd, F_GETFD) & FD_CLOEXEC);
      close (fd);
    }
  fd = procfs_open_verified ("/proc/thread-self/attr/current", O_RDONLY, &err);
  CHECK (fd >= 0 || (err && err->status == EINVAL));
  casing_error_release (&err);
  if (fd >= 0)
    close (fd);
  /* Magic links (exe, fd/N, root) are not followed. */
  CHECK (procfs_open_verified ("self/root/etc/passwd", O_RDONLY, &err) < 0);
  casing_error_release (&err);
  CHECK (procfs_open_verified ("self/../../etc/passwd", O_RDONLY, &err) < 0);
  casing_error_release (&err);
}

static void
test_rejects_tmpfs (void)
{
  casing_error_t err = NULL;
  cleanup_close int fd = open ("/dev/shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char path[] = "/dev/shm/casing-test-XXXXXX";
  int tfd = mkstemp (path);

  CHECK (procfs_check_fd (fd, "/dev/shm", &err) < 0);
  CHECK_ERR (err, "is not on procfs");
  if (tfd >= 0)
    {
      CHECK (procfs_check_fd (tfd, path, &err) < 0);
      CHECK_ERR (err, "is not on procfs");
      close (tfd);
      unlink (path);
    }
}

/* The CVE-2025-52881 setup: a procfs file of the container's choice bind
 * mounted over the one we mean to write. */
static void
overmount_child (void *arg)
{
  bool fallback = arg != NULL;
  casing_error_t err = NULL;
  char target[64];
  int fd;

  CHECK (unshare (CLONE_NEWNS) == 0);
  CHECK (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
  snprintf (target, sizeof target, "/proc/%d/oom_score_adj", getpid ());
  CHECK (mount ("/proc/sys/kernel/domainname", target, NULL, MS_BIND, NULL) == 0);

  procfs_test_options (fallback, false);
  /* Our own procfs instance does not see the container's mounts. */
  procfs_reset ();
  fd = procfs_open_verified ("self/oom_score_adj", O_WRONLY, &err);
  CHECK (fd >= 0);
  if (fd >= 0)
    close (fd);
  casing_error_release (&err);

  /* Through /proc itself (when a private procfs cannot be had) the
   * lookalike is refused, with and without openat2. */
  procfs_reset ();
  procfs_test_options (fallback, true);
  CHECK (procfs_root (&err) >= 0);
  fd = procfs_open_verified ("self/oom_score_adj", O_WRONLY, &err);
  CHECK (fd < 0);
  CHECK_ERR (err, fallback ? "crosses a mount point" : "leaves procfs or crosses a mount point");
  CHECK (procfs_write_verified ("self/oom_score_adj", "0", 1, &err) < 0);
  casing_error_release (&err);

  /* A tmpfs over all of /proc is not a procfs root. */
  procfs_reset ();
  CHECK (mount ("tmpfs", "/proc", "tmpfs", 0, NULL) == 0);
  CHECK (procfs_root (&err) < 0);
  CHECK_ERR (err, "`/proc` is not the root of a procfs mount");
}

/* "PID/..." names a pid of the caller's pid namespace: a root inherited
 * from a parent in another pid namespace is replaced by one of our own, and
 * a /proc showing another namespace is refused rather than misread. */
static void
pid_namespace_grandchild (void)
{
  casing_error_t err = NULL;
  cleanup_free char *buf = NULL;
  int fd;

  CHECK (getpid () == 1);
  fd = procfs_open_verified ("1/stat", O_RDONLY, &err);
  CHECK (fd >= 0);
  /* Our own process, not the host's pid 1. */
  if (fd >= 0)
    {
      CHECK (read_all_fd (fd, "stat", &buf, NULL, NULL) == 0 && strstr (buf, "(test_confine_pr)") != NULL);
      close (fd);
    }
  casing_error_release (&err);
  procfs_reset ();
  procfs_test_options (false, true);
  CHECK (procfs_open_verified ("1/status", O_RDONLY, &err) < 0);
  CHECK_ERR (err, "shows another pid namespace");
  fd = procfs_open_verified ("self/status", O_RDONLY, &err);
  CHECK (fd >= 0);
  if (fd >= 0)
    close (fd);
  casing_error_release (&err);
}

static void
pid_namespace_child (void *arg)
{
  casing_error_t err = NULL;
  char path[32];
  int fd, status = 0;
  pid_t pid;

  (void) arg;
  snprintf (path, sizeof path, "%d/status", (int) getpid ());
  fd = procfs_open_verified (path, O_RDONLY, &err);
  CHECK (fd >= 0);
  if (fd >= 0)
    close (fd);
  casing_error_release (&err);
  CHECK (unshare (CLONE_NEWPID) == 0);
  pid = fork ();
  CHECK (pid >= 0);
  if (pid == 0)
    {
      unit_failures = 0;
      pid_namespace_grandchild ();
      _exit (unit_failures ? 1 : 0);
    }
  CHECK (pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

int
main (void)
{
  UNIT_RUN (test_basic ());
  UNIT_RUN (test_rejects_tmpfs ());
  UNIT_RUN (child_test_as_root (overmount_child, NULL));
  UNIT_RUN (child_test_as_root (overmount_child, (void *) 1));
  UNIT_RUN (child_test_as_root (pid_namespace_child, NULL));
  return unit_done ("test_confine_procfs");
}
