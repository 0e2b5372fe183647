/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `pause ID` and `resume ID`: freeze and thaw every process of a container
 * through its cgroup (v1 freezer, v2 cgroup.freeze).  Both return once the
 * kernel reports the cgroup frozen (or thawed), so a `state` right after
 * says `paused`. */
#include <errno.h>
#include <stdio.h>

#include "cgroups/cgroups.h"
#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "core/utils.h"

static int
freeze_container (struct global_options *g, const char *id, bool freeze, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  struct cgroup_manager *m = NULL;
  enum container_status status;

  if (state_store_open (g->root, id, STATE_LOCK_EXCLUSIVE, &h, err) < 0
      || container_status_get (h, &status, err) < 0)
    return -1;
  if (freeze && status != CONTAINER_RUNNING && status != CONTAINER_CREATED)
    return casing_error_set (err, EINVAL, "pause: container `%s` is %s, not running", id,
                             container_status_name (status));
  if (!freeze && status != CONTAINER_PAUSED)
    return casing_error_set (err, EINVAL, "resume: container `%s` is %s, not paused", id,
                             container_status_name (status));
  if (cgroup_manager_load (h->state, &m, err) < 0)
    return -1;
  int r = cgroup_manager_freeze (m, freeze, err);
  cgroup_manager_free (m);
  if (r < 0)
    return casing_error_prefix (err, "%s `%s`", freeze ? "pause" : "resume", id);
  return 0;
}

static int
run (const char *command, bool freeze, struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  const char *id;
  int r = cmd_parse_id_only (command, freeze ? "casing pause ID" : "casing resume ID",
                             freeze ? "Suspend every process of a container (cgroup freezer)."
                                    : "Resume the processes of a paused container.",
                             argc, argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  return freeze_container (g, id, freeze, err);
}

int
cmd_pause (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  return run ("pause", true, g, argc, argv, err);
}

int
cmd_resume (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  return run ("resume", false, g, argc, argv, err);
}
