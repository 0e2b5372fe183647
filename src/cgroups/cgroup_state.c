/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manager in the state file: casing_state.cgroup_path plus, in `extra`,
 *   "cgroup.driver": "cgroupfs" | "systemd" | "disabled" (no cgroup)
 *   "cgroup.systemd_unit": the transient scope (systemd driver)
 *   "cgroup.dirs":   one line per hierarchy, "<created> <directory>", where
 *                    <created> counts the trailing components casing made
 *                    (only those are removed by delete).
 * casing_state.rootless says the container was made rootless: its manager
 * is loaded rootless again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "core/utils.h"

int
cgroup_manager_save (struct cgroup_manager *m, casing_state *state, casing_error_t *err)
{
  cleanup_free char *dirs = xstrdup ("");
  for (size_t i = 0; i < m->n_dirs; i++)
    {
      char *n = NULL;
      xasprintf (&n, "%s%d %s\n", dirs, m->dirs[i].created, m->dirs[i].full);
      free (dirs);
      dirs = n;
    }
  free (state->cgroup_path);
  state->cgroup_path = xstrdup (m->path);
  if (state->extra == NULL)
    state->extra = xmalloc0 (sizeof (*state->extra));
  if (oci_map_set (state->extra, "cgroup.driver",
                   m->disabled ? "disabled" : m->systemd ? "systemd" : "cgroupfs") < 0
      || oci_map_set (state->extra, "cgroup.dirs", dirs) < 0
      || (m->systemd_unit && oci_map_set (state->extra, "cgroup.systemd_unit", m->systemd_unit) < 0))
    return casing_error_set (err, ENOMEM, "save the cgroup state");
  return 0;
}

static struct cgroup_hierarchy *
hierarchy_of (struct cgroup_host *host, const char *full)
{
  struct cgroup_hierarchy *best = NULL;
  for (size_t i = 0; i < host->n; i++)
    {
      size_t n = strlen (host->h[i].mountpoint);
      if (strncmp (full, host->h[i].mountpoint, n) == 0 && (full[n] == '/' || full[n] == '\0')
          && (best == NULL || n > strlen (best->mountpoint)))
        best = &host->h[i];
    }
  return best;
}

static int
load_line (struct cgroup_manager *m, char *line, casing_error_t *err)
{
  char *end = NULL;
  long created = strtol (line, &end, 10);
  if (end == line || *end != ' ' || created < 0)
    return casing_error_set (err, EINVAL, "state: bad cgroup.dirs entry `%s`", line);
  const char *full = end + 1;
  struct cgroup_hierarchy *h = hierarchy_of (&m->host, full);
  if (h == NULL)
    return casing_error_set (err, ENOENT, "state: cgroup `%s` is on no mounted hierarchy", full);
  const char *path = full + strlen (h->mountpoint);
  cgroup_manager_add_dir (m, h, *path ? path : "/", (int) created);
  return 0;
}

int
cgroup_manager_load (const casing_state *state, struct cgroup_manager **out, casing_error_t *err)
{
  const char *dirs = state->extra ? oci_map_get (state->extra, "cgroup.dirs") : NULL;
  const char *driver = state->extra ? oci_map_get (state->extra, "cgroup.driver") : NULL;
  struct cgroup_manager *m = xmalloc0 (sizeof (*m));
  cleanup_free char *copy = xstrdup (dirs ? dirs : "");
  char *save = NULL;

  m->id = xstrdup (state->id ? state->id : "");
  m->path = xstrdup (state->cgroup_path ? state->cgroup_path : "");
  m->systemd = driver && strcmp (driver, "systemd") == 0;
  m->disabled = driver && strcmp (driver, "disabled") == 0;
  /* delete and update of a rootless container keep its driver's limits:
   * no device rules, the user's bus. */
  m->rootless = state->has_rootless && state->rootless;
  if (m->systemd && oci_map_get (state->extra, "cgroup.systemd_unit"))
    {
      m->systemd_unit = xstrdup (oci_map_get (state->extra, "cgroup.systemd_unit"));
      m->systemd_started = true;
    }
  if (dirs == NULL && !m->systemd)
    {
      casing_error_set (err, ENOENT, "state of `%s` has no cgroup information", m->id);
      goto fail;
    }
  if (cgroup_host_detect (&m->host, err) < 0)
    goto fail;
  if (m->disabled)
    {
      *out = m;
      return 0;
    }
  for (char *l = strtok_r (copy, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (load_line (m, l, err) < 0)
      goto fail;
  /* systemd driver: the state may have been saved before the scope existed;
   * the container's init shows where systemd put it. */
  if (m->systemd && m->n_dirs == 0 && state->has_pid && cgroup_manager_adopt_pid (m, (pid_t) state->pid, false, err) < 0)
    goto fail;
  *out = m;
  return 0;
fail:
  cgroup_manager_free (m);
  return -1;
}
