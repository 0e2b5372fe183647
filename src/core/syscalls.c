/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls.h"

static bool openat2_disabled;

void
sys_openat2_test_init (void)
{
  const char *e = getenv ("CASING_TEST_NO_OPENAT2");
  openat2_disabled = e != NULL && e[0] != '\0' && strcmp (e, "0") != 0;
}

bool
sys_openat2_disabled (void)
{
  return openat2_disabled;
}

int
sys_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  if (openat2_disabled)
    {
      errno = ENOSYS;
      return -1;
    }
  struct open_how how = { .flags = flags, .resolve = resolve };
  int fd;

  if (flags & O_CREAT)
    how.mode = 0644;
  /* With RESOLVE_IN_ROOT or RESOLVE_BENEATH a ".." step fails with EAGAIN
   * when any rename or mount happened meanwhile, anywhere on the host
   * (containers starting next to us): try again, a bounded number of
   * times so that a container renaming in a loop only delays itself. */
  for (int tries = 0; tries < 64; tries++)
    {
      fd = (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
      if (fd >= 0 || errno != EAGAIN)
        break;
    }
  return fd;
}

int
sys_pivot_root (const char *new_root, const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}
