/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Second stage of the fake ELF interpreter (fake_ldso.c): it inherits an
 * O_PATH handle of the runtime binary, no longer executes that binary
 * itself, and appends to it once no other process does.
 *
 * Usage: exe_writer FD [SECONDS]
 * As pid 1 (a container init) it stays; otherwise it detaches (the runtime
 * waiting for its child must be able to finish and let go of the file). */
#include "common.h"

int
main (int argc, char **argv)
{
  double deadline = now_s () + (argc > 2 ? atof (argv[2]) : 20);
  char link[PATH_MAX];
  int fd;

  if (argc < 2)
    return 2;
  fd = atoi (argv[1]);
  if (getpid () != 1)
    {
      pid_t child = fork ();
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      if (child < 0)
        report ("exe_writer: fork: %s", strerror (errno));
      if (child != 0)
        _exit (0);
      setsid ();
      /* Our stdio are the caller's pipes: do not keep them open. */
      if (null >= 0)
        for (int i = 0; i < 3; i++)
          dup2 (null, i);
    }
  report ("exe_writer: pid %d holds %s as fd %d", (int) getpid (), fd_link (fd, link, sizeof link), fd);
  write_through_handle (fd, deadline, "exe_writer");
  report ("exe_writer: done");
  return 0;
}
