/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"
#include "host.h"
#include "names.h"
#include "seccomp_internal.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

struct seccomp_program *seccomp_loaded_program;

static int
explain_einval (const struct seccomp_program *prog, casing_error_t *err)
{
  const char *const *names = oci_seccomp_flags;

  for (size_t i = 0; names[i]; i++)
    if ((prog->flags & seccomp_flag_bit (names[i])) && ! seccomp_flag_supported (names[i]))
      return casing_error_set (err, 0, "linux.seccomp.flags: %s is not supported by the running kernel",
                               names[i]);
  if (prog->notify && ! seccomp_notify_supported ())
    return casing_error_set (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY is not supported by the running kernel");
  return casing_error_set (err, 0, "linux.seccomp: the kernel refused the filter");
}

int
seccomp_program_load (struct seccomp_program *prog, int *notify_fd, casing_error_t *err)
{
  struct sock_fprog fprog;
  unsigned int flags;
  long r;

  if (notify_fd)
    *notify_fd = -1;
  if (prog == NULL)
    return 0;
  fprog.len = prog->len;
  fprog.filter = prog->insns;
  flags = prog->flags;
  /* Only meaningful for a listener, and refused by the kernel without. */
  if (! prog->notify)
    flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV_BIT;
  if (prog->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC and NEW_LISTENER both use the return value; TSYNC_ESRCH
       * (5.7) makes them compatible. */
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  if (r < 0)
    {
      if (errno == EINVAL)
        return explain_einval (prog, err);
      if (errno == EACCES)
        return casing_error_set (err, EACCES,
                                 "linux.seccomp: loading the filter needs process.noNewPrivileges or CAP_SYS_ADMIN");
      return casing_error_errno (err, "linux.seccomp: seccomp(SECCOMP_SET_MODE_FILTER)");
    }
  seccomp_loaded_program = prog;
  if (prog->notify)
    {
      int fd = (int) r;
      /* The listener is created without O_CLOEXEC: it must not reach the
       * container process. */
      if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0)
        {
          close (fd);
          return casing_error_errno (err, "linux.seccomp: set FD_CLOEXEC on the listener");
        }
      if (notify_fd)
        *notify_fd = fd;
      else
        close (fd);
    }
  return 0;
}

int
process_set_no_new_privs (const oci_process *process, casing_error_t *err)
{
  if (process == NULL || ! process->no_new_privileges)
    return 0;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return casing_error_errno (err, "process.noNewPrivileges: prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}
