/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>

#include "../procfs.h"
#include "confine.h"

int
oom_score_adj_check (const oci_process *process, casing_error_t *err)
{
  if (process && process->has_oom_score_adj && (process->oom_score_adj < -1000 || process->oom_score_adj > 1000))
    return casing_error_set (err, 0, "process.oomScoreAdj: %d is outside [-1000, 1000]",
                             (int) process->oom_score_adj);
  return 0;
}

int
process_apply_oom_score_adj (const oci_process *process, casing_error_t *err)
{
  char buf[16];
  int n;

  /* config.md: when unset, the value must not be changed. */
  if (process == NULL || ! process->has_oom_score_adj)
    return 0;
  if (oom_score_adj_check (process, err) < 0)
    return -1;
  n = snprintf (buf, sizeof buf, "%d", (int) process->oom_score_adj);
  if (procfs_write_verified ("self/oom_score_adj", buf, n, err) < 0)
    {
      if (err && *err && (*err)->status == EACCES)
        /* The kernel lets anyone raise it, but lowering it below the
         * current value needs CAP_SYS_RESOURCE. */
        return casing_error_prefix (err, "process.oomScoreAdj: lowering it to %d needs CAP_SYS_RESOURCE",
                                    (int) process->oom_score_adj);
      return casing_error_prefix (err, "process.oomScoreAdj");
    }
  return 0;
}
