/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2024-21626 class: run with a cwd the runtime was led to resolve
 * through one of its own fds (process.cwd or `exec --cwd` =
 * /proc/self/fd/N).  Reports on stdout where it landed and what of the
 * host it can reach from there, and which fds it holds. */
#include "common.h"

static void
list_own_fds (void)
{
  char line[1024] = "";
  size_t len = 0;
  struct dirent *d;
  DIR *dir = opendir ("/proc/self/fd");

  if (dir == NULL)
    {
      report ("fds: cannot list /proc/self/fd: %s", strerror (errno));
      return;
    }
  while ((d = readdir (dir)))
    if (d->d_name[0] != '.' && atoi (d->d_name) != dirfd (dir) && len < sizeof line - 16)
      len += snprintf (line + len, sizeof line - len, " %s", d->d_name);
  closedir (dir);
  report ("fds:%s", line);
}

int
main (void)
{
  char cwd[PATH_MAX];
  struct statfs s;
  long n;
  int dot;

  report_path = "-";
  list_own_fds ();
  /* The system call, not getcwd(3): glibc hides "(unreachable)". */
  n = syscall (SYS_getcwd, cwd, sizeof cwd);
  report ("cwd=%s", n > 0 ? cwd : strerror (errno));
  if (statfs (".", &s) == 0)
    report ("cwd filesystem: 0x%lx%s", (unsigned long) s.f_type,
            foreign_procfs (AT_FDCWD) ? " (a procfs of another pid namespace)" : "");
  dot = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dot < 0)
    {
      report ("open cwd: %s", strerror (errno));
      return 0;
    }
  probe_dir (dot, "cwd", false);
  close (dot);
  return 0;
}
