/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The order of the last steps before execve(). */
#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include "caps.h"
#include "confine.h"

int
confine_verify_cwd (const char *cwd, casing_error_t *err)
{
  char buf[PATH_MAX];

  if (getcwd (buf, sizeof buf) == NULL)
    return casing_error_errno (err, "process.cwd `%s`: getcwd", cwd);
  if (buf[0] != '/')
    return casing_error_set (err, EXDEV, "process.cwd `%s` is outside the container (%s): refusing to run there",
                             cwd, buf);
  return 0;
}

int
confine_before_exec (const oci_process *process, struct seccomp_program *prog, int *notify_fd,
                     const char *cwd_as_user, casing_error_t *err)
{
  const oci_capabilities *caps = process ? process->capabilities : NULL;
  bool nnp = process && process->no_new_privileges;
  struct caps_masks plan;

  if (notify_fd)
    *notify_fd = -1;
  /* The container's limits, set last so that none of casing's own setup
   * runs under them (a RLIMIT_NOFILE or RLIMIT_AS of 0 would stop it), and
   * while raising a hard limit is still allowed. */
  if (process_apply_rlimits (process, err) < 0 || process_set_user (process, err) < 0)
    return -1;
  /* Denied as root: as the user now (its effective capabilities are gone
   * with the uid change), and checked before any filter of the config can
   * refuse getcwd. */
  if (cwd_as_user && chdir (cwd_as_user) < 0)
    return casing_error_errno (err, "chdir to cwd (\"%s\") set in config.json failed", cwd_as_user);
  if (cwd_as_user && confine_verify_cwd (cwd_as_user, err) < 0)
    return -1;
  if (caps_apply_begin (caps, &plan, err) < 0)
    return -1;
  if (nnp)
    {
      /* With no_new_privs the filter needs no privilege: load it last so
       * that none of our own setup is filtered. */
      if (caps_apply_end (&plan, err) < 0 || process_set_no_new_privs (process, err) < 0)
        return -1;
      return seccomp_program_load (prog, notify_fd, err);
    }
  /* Without it seccomp(2) needs CAP_SYS_ADMIN, which the final sets may
   * lack: load while it is effective; only capset and the ambient prctls
   * then run under the filter. */
  if (seccomp_program_load (prog, notify_fd, err) < 0)
    return -1;
  if (caps_apply_end (&plan, err) < 0)
    {
      if (prog)
        casing_error_prefix (err, "after loading linux.seccomp (does it allow capset and prctl?)");
      return -1;
    }
  return 0;
}
