/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "core/procfs.h"
#include "confine.h"

int
process_apply_oom_score_adj (const oci_process *process, casing_error_t *err)
{
  char buf[16];
  int n, r, dumpable;

  /* config.md: when unset, the value must not be changed. */
  if (process == NULL || ! process->has_oom_score_adj)
    return 0;
  n = snprintf (buf, sizeof buf, "%d", (int) process->oom_score_adj);
  /* Non-dumpable, our /proc/self files belong to the host's root: root of a
   * user namespace may not open this 0644 one.  Dumpable for the one write:
   * the processes that do it (the init in setup, exec's joining process)
   * are not yet visible to any process of the container. */
  dumpable = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
  if (dumpable == 0 && prctl (PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return casing_error_errno (err, "process.oomScoreAdj: prctl PR_SET_DUMPABLE");
  r = procfs_write_verified ("self/oom_score_adj", buf, n, err);
  if (dumpable == 0 && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && r == 0)
    return casing_error_errno (err, "process.oomScoreAdj: prctl PR_SET_DUMPABLE");
  if (r < 0)
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
