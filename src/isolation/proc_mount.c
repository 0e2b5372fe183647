/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc of a container that joins a pid namespace by path.  Its setup
 * process stays out of that namespace (src/container/joined_pid.c), while
 * a new proc mount shows the pid namespace of the process that makes it.
 * Linux 6.15 takes the namespace as a parameter (pidns=FD): the mount is
 * made here.  Before, a short-lived child of ours made in that namespace
 * makes it and hands it back; it closes every fd first and exists for the
 * three syscalls of the mount (a process of the pod with CAP_SYS_PTRACE
 * that seizes it in that window still finds the mount namespace of the
 * setup: SECURITY.md says so). */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/sync.h"
#include "core/procfs.h"
#include "core/utils.h"
#include "isolation_internal.h"

/* "hidepid=2,subset=pid,gid=5": each option as an fsconfig parameter. */
static int
configure (int fsfd, const char *data)
{
  cleanup_free char *copy = xstrdup (data ? data : "");
  char *save = NULL;

  for (char *opt = strtok_r (copy, ",", &save); opt; opt = strtok_r (NULL, ",", &save))
    {
      char *eq = strchr (opt, '=');
      int r;
      if (eq)
        {
          *eq = '\0';
          r = fsconfig (fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
        }
      else
        r = fsconfig (fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
      if (r < 0)
        return -1;
    }
  return 0;
}

/* The mount (a detached mount fd), made by the caller.  pidns_fd < 0: of
 * the caller's pid namespace. */
static int
make_proc (int pidns_fd, const char *data, uint64_t attrs, bool *no_pidns_param)
{
  cleanup_close int fsfd = fsopen ("proc", FSOPEN_CLOEXEC);

  if (fsfd < 0)
    return -1;
  if (pidns_fd >= 0 && fsconfig (fsfd, FSCONFIG_SET_FD, "pidns", NULL, pidns_fd) < 0)
    {
      *no_pidns_param = errno == EINVAL;
      return -1;
    }
  if (configure (fsfd, data) < 0 || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return fsmount (fsfd, FSMOUNT_CLOEXEC, (unsigned int) attrs);
}

static void __attribute__ ((noreturn))
maker (int sock, const char *data, uint64_t attrs)
{
  int fd;
  bool unused;

  /* Nothing of the setup for a process that shows in the pod. */
  if (sock != 3 && (dup2 (sock, 3) < 0 || fcntl (3, F_SETFD, FD_CLOEXEC) < 0))
    _exit (1);
  sock = 3;
  if (syscall (SYS_close_range, 4U, ~0U, 0U) < 0)
    _exit (1);
  fd = make_proc (-1, data, attrs, &unused);
  if (fd < 0)
    {
      casing_error_t e = NULL;
      casing_error_errno (&e, "mount proc in the pid namespace");
      sync_send_error (sock, e);
      _exit (1);
    }
  _exit (sync_send (sock, SYNC_READY, NULL, 0, fd, NULL) < 0);
}

/* Our own pid namespace: the magic link of our own ns/ directory (the one
 * link of procfs we follow, as it can only be ours). */
static int
own_pid_namespace (casing_error_t *err)
{
  cleanup_close int dir = procfs_open_verified ("thread-self/ns", O_PATH | O_DIRECTORY, err);
  int fd;

  if (dir < 0)
    return -1;
  fd = openat (dir, "pid", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open our own pid namespace");
  if (ioctl (fd, NS_GET_NSTYPE) != CLONE_NEWPID)
    {
      close (fd);
      return casing_error_set (err, EXDEV, "thread-self/ns/pid is not a pid namespace");
    }
  return fd;
}

static int
made_inside (int pidns_fd, const char *data, uint64_t attrs, casing_error_t *err)
{
  cleanup_close int own = own_pid_namespace (err);
  struct sync_msg m = { .fd = -1 };
  int sock[2], fd = -1, status = 0;
  pid_t pid;

  if (own < 0 || sync_socketpair (sock, err) < 0)
    return -1;
  if (setns (pidns_fd, CLONE_NEWPID) < 0)
    {
      close (sock[0]);
      close (sock[1]);
      return casing_error_errno (err, "enter the pid namespace of linux.namespaces");
    }
  pid = fork ();
  if (pid == 0)
    {
      close (sock[0]);
      maker (sock[1], data, attrs);
    }
  /* Our next children (the container process's parent) stay out of it. */
  if (setns (own, CLONE_NEWPID) < 0)
    {
      if (pid > 0)
        kill (pid, SIGKILL);
    }
  close (sock[1]);
  if (pid > 0 && sync_expect (sock[0], SYNC_READY, &m, "proc mount", err) == 0)
    fd = steal_fd (&m.fd);
  sync_msg_clear (&m);
  close (sock[0]);
  while (pid > 0 && waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (pid < 0)
    return casing_error_errno (err, "fork");
  return fd;
}

int
proc_mount_for_pidns (int pidns_fd, const char *data, unsigned long ms_flags, int target_fd, const char *what,
                      casing_error_t *err)
{
  uint64_t attrs = mount_options_ms_to_attr (ms_flags);
  bool no_pidns_param = false;
  cleanup_close int fd = make_proc (pidns_fd, data, attrs, &no_pidns_param);

  if (fd < 0 && !no_pidns_param)
    return casing_error_errno (err, "%s: mount proc", what);
  if (fd < 0)
    {
      fd = made_inside (pidns_fd, data, attrs, err);
      if (fd < 0)
        return casing_error_prefix (err, "%s", what);
    }
  return mount_attach (fd, target_fd, what, err);
}
