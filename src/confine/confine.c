/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The order of the last steps before execve(), and validation of the whole
 * of what src/confine/ applies. */
#include <errno.h>
#include <linux/sched/types.h>
#include <stdlib.h>
#include <string.h>

#include "core/utils.h"
#include "caps.h"
#include "confine.h"
#include "confine_internal.h"
#include "seccomp_internal.h"

int scheduler_attr_from_config (const oci_scheduler *s, struct sched_attr *attr, casing_error_t *err);
int io_priority_value (const oci_io_priority *io, int *out, casing_error_t *err);
int memory_policy_mode (const oci_memory_policy *policy, int *mode, casing_error_t *err);
int oom_score_adj_check (const oci_process *process, casing_error_t *err);

int
confine_before_exec (const oci_process *process, struct seccomp_program *prog, int *notify_fd,
                     casing_error_t *err)
{
  const oci_capabilities *caps = process ? process->capabilities : NULL;
  bool nnp = process && process->no_new_privileges;
  struct caps_masks plan;

  if (notify_fd)
    *notify_fd = -1;
  if (process_set_user (process, err) < 0)
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

static int
check_caps (const oci_config *c, casing_error_t *err)
{
  return c->process ? caps_validate_names (c->process->capabilities, err) : 0;
}

static int
check_rlimits (const oci_config *c, casing_error_t *err)
{
  return process_validate_rlimits (c->process, err);
}

static int
check_lsm (const oci_config *c, casing_error_t *err)
{
  return lsm_validate (c->process, err);
}

static int
check_scheduler (const oci_config *c, casing_error_t *err)
{
  struct sched_attr attr;
  const oci_process *p = c->process;
  return p && p->scheduler ? scheduler_attr_from_config (p->scheduler, &attr, err) : 0;
}

static int
check_io_priority (const oci_config *c, casing_error_t *err)
{
  int v;
  const oci_process *p = c->process;
  return p && p->io_priority ? io_priority_value (p->io_priority, &v, err) : 0;
}

static int
check_oom_score_adj (const oci_config *c, casing_error_t *err)
{
  return oom_score_adj_check (c->process, err);
}

static int
check_cpu_affinity (const oci_config *c, casing_error_t *err)
{
  const oci_exec_cpu_affinity *a = c->process ? c->process->exec_cpu_affinity : NULL;
  const char *lists[2] = { a ? a->initial : NULL, a ? a->final : NULL };
  size_t nbits;

  for (int i = 0; i < 2; i++)
    {
      cleanup_free unsigned long *mask = NULL;
      if (lists[i] == NULL || lists[i][strspn (lists[i], " ")] == '\0')
        continue;
      if (id_list_parse (i ? "process.execCPUAffinity.final" : "process.execCPUAffinity.initial", lists[i], &mask,
                         &nbits, err) < 0)
        return -1;
    }
  return 0;
}

static int
check_memory_policy (const oci_config *c, casing_error_t *err)
{
  int mode;
  const oci_linux *l = c->linux_;
  return l && l->memory_policy ? memory_policy_mode (l->memory_policy, &mode, err) : 0;
}

static int
check_seccomp (const oci_config *c, casing_error_t *err)
{
  struct seccomp_program *prog = NULL;

  if (c->linux_ == NULL || c->linux_->seccomp == NULL)
    return 0;
  /* Compiled, not connected: validation must not talk to the agent. */
  if (seccomp_compile (c->linux_->seccomp, &prog, err) < 0)
    return -1;
  seccomp_program_free (prog);
  return 0;
}

static int (*const checks[]) (const oci_config *, casing_error_t *) = {
  check_caps,         check_rlimits,      check_lsm,           check_scheduler, check_io_priority,
  check_oom_score_adj, check_cpu_affinity, check_memory_policy, check_seccomp,
};

int
confine_validate (const oci_config *config, casing_error_t *err)
{
  for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
    if (checks[i] (config, err) < 0)
      return -1;
  return 0;
}

size_t
confine_collect_problems (const oci_config *config, char ***problems)
{
  size_t n = 0;

  *problems = xmalloc0 ((sizeof checks / sizeof checks[0] + 1) * sizeof (char *));
  for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
    {
      casing_error_t err = NULL;
      if (checks[i] (config, &err) < 0 && err)
        {
          (*problems)[n++] = steal_pointer (&err->msg);
          casing_error_release (&err);
        }
    }
  return n;
}
