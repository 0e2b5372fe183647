/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attacker, inside the container: look at files the runtime prepared and
 * try to write through them.  One line per path, easy to parse:
 *
 *   dev_probe stat PATH...        PATH lstat=T:MAJ:MIN stat=T:MAJ:MIN fs=0xMAGIC
 *   dev_probe write DATA PATH...  PATH write=ok | write=ERRNO-NAME
 *
 * T is c (char device), b, d, f (regular), l (symlink), p (fifo), s, or
 * ENOENT/... when the call failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char
type_of (mode_t m)
{
  if (S_ISCHR (m))
    return 'c';
  if (S_ISBLK (m))
    return 'b';
  if (S_ISDIR (m))
    return 'd';
  if (S_ISREG (m))
    return 'f';
  if (S_ISLNK (m))
    return 'l';
  if (S_ISFIFO (m))
    return 'p';
  return 's';
}

static void
print_stat (const char *label, int r, const struct stat *st)
{
  if (r < 0)
    printf (" %s=%s", label, strerrorname_np (errno));
  else
    printf (" %s=%c:%u:%u", label, type_of (st->st_mode), major (st->st_rdev), minor (st->st_rdev));
}

static void
probe_stat (const char *path)
{
  struct stat st;
  struct statfs sfs;
  int r;

  printf ("%s", path);
  r = lstat (path, &st);
  print_stat ("lstat", r, &st);
  r = stat (path, &st);
  print_stat ("stat", r, &st);
  if (statfs (path, &sfs) == 0)
    printf (" fs=0x%lx", (unsigned long) sfs.f_type);
  else
    printf (" fs=%s", strerrorname_np (errno));
  printf ("\n");
}

static void
probe_write (const char *data, const char *path)
{
  /* O_NONBLOCK: a fifo planted by the image must not hang the probe. */
  int fd = open (path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    {
      printf ("%s write=%s\n", path, strerrorname_np (errno));
      return;
    }
  n = write (fd, data, strlen (data));
  if (n < 0)
    printf ("%s write=%s\n", path, strerrorname_np (errno));
  else
    printf ("%s write=ok\n", path);
  close (fd);
}

int
main (int argc, char **argv)
{
  if (argc >= 3 && strcmp (argv[1], "stat") == 0)
    {
      for (int i = 2; i < argc; i++)
        probe_stat (argv[i]);
      return 0;
    }
  if (argc >= 4 && strcmp (argv[1], "write") == 0)
    {
      for (int i = 3; i < argc; i++)
        probe_write (argv[2], argv[i]);
      return 0;
    }
  fprintf (stderr, "usage: %s stat PATH... | write DATA PATH...\n", argv[0]);
  return 2;
}
