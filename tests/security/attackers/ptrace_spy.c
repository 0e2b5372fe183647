/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A container with CAP_SYS_PTRACE (and no user namespace) traces what
 * enters it: every new pid of its pid namespace is PTRACE_SEIZEd and
 * stopped at once.  A runtime process caught before its final execve
 * shows what it carries: its capabilities (/proc/PID/status), its fds, its
 * root and cwd.  Whatever directory of the host it holds is used for real:
 * the spy reads the host's marker file through it and leaves a file
 * N.escaped next to it (the host test looks for both).
 *
 * Usage: ptrace_spy SECONDS */
#include "common.h"

#include <sys/ptrace.h>
#include <sys/wait.h>

struct spy
{
  long seen, denied, seized;
  struct stat own_root;
  struct retry_list retry;
};

static void
status_field (const char *status, const char *key, char *out, size_t size)
{
  const char *p = strstr (status, key);

  snprintf (out, size, "?");
  if (p == NULL)
    return;
  p += strlen (key);
  while (*p == ' ' || *p == '\t')
    p++;
  snprintf (out, size, "%.*s", (int) strcspn (p, "\n"), p);
}

static void
report_status (pid_t pid)
{
  char path[64], status[8192], exe[PATH_MAX], name[64], eff[32], prm[32], bnd[32];
  ssize_t n;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  if (read_at (AT_FDCWD, path, status, sizeof status) <= 0)
    return;
  snprintf (path, sizeof path, "/proc/%d/exe", (int) pid);
  n = readlink (path, exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  status_field (status, "Name:", name, sizeof name);
  status_field (status, "CapEff:", eff, sizeof eff);
  status_field (status, "CapPrm:", prm, sizeof prm);
  status_field (status, "CapBnd:", bnd, sizeof bnd);
  report ("ptrace_spy: SEIZED pid %d exe=%s Name=%s CapEff=%s CapPrm=%s CapBnd=%s", (int) pid,
          n > 0 ? exe : "?", name, eff, prm, bnd);
}

/* A directory of the tracee that is not our own root: used for real. */
static void
use_dir (struct spy *s, pid_t pid, const char *what, bool only_foreign)
{
  char path[448], link[PATH_MAX], label[512];
  struct stat st;
  int fd;

  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, what);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (only_foreign && fstat (fd, &st) == 0 && st.st_dev == s->own_root.st_dev
      && st.st_ino == s->own_root.st_ino)
    {
      close (fd);
      return;
    }
  report ("ptrace_spy: pid %d %s is a directory: %s", (int) pid, what, fd_link (fd, link, sizeof link));
  snprintf (label, sizeof label, "ptrace_spy: via %s", path);
  if (strcmp (what, "root") == 0)
    {
      /* "Next to it" would be the host's /: use its tmp/ instead. */
      int tmp = openat (fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (tmp >= 0)
        {
          probe_dir (tmp, label, true);
          close (tmp);
        }
    }
  else
    probe_dir (fd, label, true);
  close (fd);
}

static void
inspect (struct spy *s, pid_t pid)
{
  char path[64], link[PATH_MAX], fdpath[384];
  struct dirent *d;
  DIR *dir;

  report_status (pid);
  use_dir (s, pid, "root", true);
  use_dir (s, pid, "cwd", true);
  snprintf (path, sizeof path, "/proc/%d/fd", (int) pid);
  dir = opendir (path);
  while (dir && (d = readdir (dir)))
    {
      ssize_t n;
      if (d->d_name[0] == '.')
        continue;
      snprintf (fdpath, sizeof fdpath, "%s/%s", path, d->d_name);
      n = readlink (fdpath, link, sizeof link - 1);
      if (n < 0)
        continue;
      link[n] = '\0';
      report ("ptrace_spy: pid %d fd %s -> %s", (int) pid, d->d_name, link);
      snprintf (fdpath, sizeof fdpath, "fd/%s", d->d_name);
      use_dir (s, pid, fdpath, false);
    }
  if (dir)
    closedir (dir);
}

/* true when done with PID: seized, or refused for good. */
static bool
seize (pid_t pid, void *data)
{
  struct spy *s = data;
  int st;

  if (ptrace (PTRACE_SEIZE, pid, 0, 0) < 0)
    return errno != EPERM && errno != EACCES;
  s->seized++;
  /* Everything about the first few; only the capabilities after that. */
  if (ptrace (PTRACE_INTERRUPT, pid, 0, 0) == 0 && waitpid (pid, &st, __WALL) == pid && WIFSTOPPED (st))
    {
      if (s->seized <= 3)
        inspect (s, pid);
      else
        report_status (pid);
    }
  ptrace (PTRACE_DETACH, pid, 0, 0);
  return true;
}

static void
spy_on (pid_t pid, void *data)
{
  struct spy *s = data;

  s->seen++;
  if (seize (pid, s))
    return;
  if (s->denied++ < 3)
    report ("ptrace_spy: PTRACE_SEIZE %d: %s (trying again while it lives)", (int) pid, strerror (errno));
  retry_add (&s->retry, pid);
}

int
main (int argc, char **argv)
{
  double deadline = now_s () + (argc > 1 ? atof (argv[1]) : 20);
  static struct spy s;
  struct pid_watch w;

  if (stat ("/", &s.own_root) < 0 || pid_watch_init (&w) < 0)
    {
      report ("ptrace_spy: cannot watch /proc: %s", strerror (errno));
      return 1;
    }
  report ("ptrace_spy: ready (pid %d)", (int) getpid ());
  for (long i = 0; now_s () < deadline; i++)
    {
      pid_watch_scan (&w, spy_on, &s);
      retry_scan (&s.retry, seize, &s);
      if (i % 256 == 0 && stop_requested ())
        break;
    }
  report ("ptrace_spy: done: %ld new pids, %ld seize denied, %ld seized", s.seen, s.denied, s.seized);
  return 0;
}
