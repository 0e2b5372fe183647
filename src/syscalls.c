/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls.h"

int
sys_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  struct open_how how = { .flags = flags, .resolve = resolve };
  if (flags & O_CREAT)
    how.mode = 0644;
  return (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

int
sys_pivot_root (const char *new_root, const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}
