/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause/resume: the v1 freezer controller or the v2 cgroup.freeze file. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "core/utils.h"

#define FREEZE_TIMEOUT_MS 10000

static int
v1_state (struct cgroup_dir *d, char **state, casing_error_t *err)
{
  if (cgroup_dir_read (d, "freezer.state", state, err) < 0)
    return -1;
  (*state)[strcspn (*state, "\n")] = '\0';
  return 0;
}

/* v1 reports FREEZING until every task has stopped; the kernel's freezer
 * documentation has user space read freezer.state again until it says
 * FROZEN.  Writing FROZEN again restarts the freeze of tasks that were
 * forking meanwhile. */
static int
v1_freeze (struct cgroup_dir *d, bool freeze, casing_error_t *err)
{
  const char *want = freeze ? "FROZEN" : "THAWED";
  for (int i = 0; i < FREEZE_TIMEOUT_MS; i++)
    {
      cleanup_free char *state = NULL;
      if ((i % 100) == 0 && cgroup_dir_write (d, "freezer.state", want, err) < 0)
        return -1;
      if (v1_state (d, &state, err) < 0)
        return -1;
      if (strcmp (state, want) == 0)
        return 0;
      usleep (1000);
    }
  if (freeze)
    {
      cleanup_casing_error casing_error_t ignored = NULL;
      cgroup_dir_write (d, "freezer.state", "THAWED", &ignored);
    }
  return casing_error_set (err, ETIMEDOUT, "cgroup `%s`: tasks did not reach %s", d->full, want);
}

static int
v2_freeze (struct cgroup_dir *d, bool freeze, casing_error_t *err)
{
  const char *v = freeze ? "1" : "0";
  if (cgroup_dir_write (d, "cgroup.freeze", v, err) < 0)
    return -1;
  if (cgroup_v2_wait_event (d, "frozen", v, FREEZE_TIMEOUT_MS) < 0)
    {
      if (freeze)
        {
          cleanup_casing_error casing_error_t ignored = NULL;
          cgroup_dir_write (d, "cgroup.freeze", "0", &ignored);
        }
      return casing_error_set (err, ETIMEDOUT, "cgroup `%s`: not %s in time", d->full,
                               freeze ? "frozen" : "thawed");
    }
  return 0;
}

int
cgroup_freeze_dir (struct cgroup_dir *d, bool freeze, casing_error_t *err)
{
  if (d->fd < 0)
    return casing_error_set (err, ENOENT, "cgroup `%s` does not exist", d->full);
  return cgroup_dir_is_v2 (d) ? v2_freeze (d, freeze, err) : v1_freeze (d, freeze, err);
}

static struct cgroup_dir *
freezer_dir (struct cgroup_manager *m, casing_error_t *err)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "freezer");
  if (d == NULL)
    casing_error_set (err, ENOTSUP, "no freezer: the host has neither the v1 freezer controller nor cgroup v2");
  return d;
}

int
cgroup_manager_freeze (struct cgroup_manager *m, bool freeze, casing_error_t *err)
{
  if (cgroup_manager_need (m, freeze ? "pause" : "resume", err) < 0)
    return -1;
  struct cgroup_dir *d = freezer_dir (m, err);
  if (d == NULL)
    return -1;
  return cgroup_freeze_dir (d, freeze, err);
}

int
cgroup_manager_is_frozen (struct cgroup_manager *m, bool *frozen, casing_error_t *err)
{
  cleanup_free char *s = NULL;
  struct cgroup_dir *d;

  /* Nothing can freeze a container without a cgroup. */
  if (m->disabled)
    {
      *frozen = false;
      return 0;
    }
  d = freezer_dir (m, err);
  if (d == NULL)
    return -1;
  if (d->fd < 0)
    return casing_error_set (err, ENOENT, "cgroup `%s` does not exist", d->full);
  if (!cgroup_dir_is_v2 (d))
    {
      if (v1_state (d, &s, err) < 0)
        return -1;
      *frozen = strcmp (s, "FROZEN") == 0;
      return 0;
    }
  if (cgroup_dir_read (d, "cgroup.freeze", &s, err) < 0)
    return -1;
  *frozen = s[0] == '1';
  return 0;
}
