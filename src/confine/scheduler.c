/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/sched/types.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"

static const struct
{
  const char *name;
  int value;
} policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 },     { "SCHED_RR", 2 },      { "SCHED_BATCH", 3 },
  { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 },     { "SCHED_DEADLINE", 6 },
}, flag_names[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },        { "SCHED_FLAG_DL_OVERRUN", 0x04 },
  { "SCHED_FLAG_KEEP_POLICY", 0x08 },   { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

#define N(a) (sizeof (a) / sizeof (a)[0])

int
scheduler_attr_from_config (const oci_scheduler *s, struct sched_attr *attr, casing_error_t *err)
{
  size_t i;

  memset (attr, 0, sizeof *attr);
  attr->size = sizeof *attr;
  for (i = 0; i < N (policies); i++)
    if (strcmp (policies[i].name, s->policy) == 0)
      break;
  if (i == N (policies))
    return casing_error_set (err, 0, "process.scheduler.policy: unknown policy \"%s\"", s->policy);
  attr->sched_policy = policies[i].value;
  for (size_t f = 0; f < s->flags_len; f++)
    {
      for (i = 0; i < N (flag_names); i++)
        if (strcmp (flag_names[i].name, s->flags[f]) == 0)
          break;
      if (i == N (flag_names))
        return casing_error_set (err, 0, "process.scheduler.flags: unknown flag \"%s\"", s->flags[f]);
      attr->sched_flags |= flag_names[i].value;
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
  if (scheduler_attr_from_config (process->scheduler, &attr, err) < 0)
    return -1;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    {
      if (errno == EINVAL && attr.sched_policy == 4)
        return casing_error_set (err, 0, "process.scheduler.policy: SCHED_ISO is not supported by Linux");
      return casing_error_errno (err, "process.scheduler: sched_setattr %s", process->scheduler->policy);
    }
  return 0;
}
