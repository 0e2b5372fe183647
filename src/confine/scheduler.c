/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/sched/types.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"

/* SCHED_* and SCHED_FLAG_* of <linux/sched.h>, by the spec's names
 * (oci_sched_policies, oci_sched_flags); spelled out because older headers
 * lack the newer flags. */
static const int policy_values[OCI_SCHED_COUNT] = {
  [OCI_SCHED_OTHER] = 0, [OCI_SCHED_FIFO] = 1, [OCI_SCHED_RR] = 2,       [OCI_SCHED_BATCH] = 3,
  [OCI_SCHED_ISO] = 4,   [OCI_SCHED_IDLE] = 5, [OCI_SCHED_DEADLINE] = 6,
};

static const uint64_t flag_values[OCI_SCHED_FLAG_COUNT] = {
  [OCI_SCHED_FLAG_RESET_ON_FORK] = 0x01, [OCI_SCHED_FLAG_RECLAIM] = 0x02,
  [OCI_SCHED_FLAG_DL_OVERRUN] = 0x04,    [OCI_SCHED_FLAG_KEEP_POLICY] = 0x08,
  [OCI_SCHED_FLAG_KEEP_PARAMS] = 0x10,   [OCI_SCHED_FLAG_UTIL_CLAMP_MIN] = 0x20,
  [OCI_SCHED_FLAG_UTIL_CLAMP_MAX] = 0x40,
};

static int
attr_from_config (const oci_scheduler *s, struct sched_attr *attr, casing_error_t *err)
{
  int policy = oci_name_index (oci_sched_policies, s->policy);

  memset (attr, 0, sizeof *attr);
  attr->size = sizeof *attr;
  if (policy < 0)
    return casing_error_set (err, EINVAL, "process.scheduler.policy: \"%s\" is not a policy", s->policy);
  attr->sched_policy = policy_values[policy];
  for (size_t f = 0; f < s->flags_len; f++)
    {
      int flag = oci_name_index (oci_sched_flags, s->flags[f]);
      if (flag < 0)
        return casing_error_set (err, EINVAL, "process.scheduler.flags[%zu]: \"%s\" is not a flag", f, s->flags[f]);
      attr->sched_flags |= flag_values[flag];
    }
  attr->sched_nice = s->has_nice ? s->nice : 0;
  attr->sched_priority = s->has_priority ? (uint32_t) s->priority : 0;
  attr->sched_runtime = s->has_runtime ? s->runtime : 0;
  attr->sched_deadline = s->has_deadline ? s->deadline : 0;
  attr->sched_period = s->has_period ? s->period : 0;
  return 0;
}

int
process_apply_scheduler (const oci_process *process, casing_error_t *err)
{
  struct sched_attr attr;

  if (process == NULL || process->scheduler == NULL)
    return 0;
  if (attr_from_config (process->scheduler, &attr, err) < 0)
    return -1;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return casing_error_errno (err, "process.scheduler: sched_setattr %s", process->scheduler->policy);
  return 0;
}

bool
process_scheduler_forbids_fork (const oci_process *process)
{
  struct sched_attr attr;

  if (process == NULL || process->scheduler == NULL || attr_from_config (process->scheduler, &attr, NULL) < 0)
    return false;
  return attr.sched_policy == 6 /* SCHED_DEADLINE */ && !(attr.sched_flags & 0x01 /* RESET_ON_FORK */);
}

int
process_test_scheduler (const oci_process *process, casing_error_t *err)
{
  struct sched_attr before = { .size = sizeof before };

  if (syscall (SYS_sched_getattr, 0, &before, sizeof before, 0) < 0)
    return casing_error_errno (err, "process.scheduler: sched_getattr");
  if (process_apply_scheduler (process, err) < 0)
    return -1;
  if (syscall (SYS_sched_setattr, 0, &before, 0) < 0)
    return casing_error_errno (err, "process.scheduler: restore the scheduler for the setup");
  return 0;
}
