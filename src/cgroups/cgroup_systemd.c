/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd driver (--systemd-cgroup): a transient scope created over
 * D-Bus.  It needs systemd as PID 1; without it the driver refuses clearly
 * instead of silently falling back to cgroupfs. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "utils.h"

/* `slice:prefix:name`, as runc and crun take it with --systemd-cgroup. */
int
cgroup_systemd_parse_path (const char *path, const char *id, char **slice, char **unit, casing_error_t *err)
{
  const char *what = "linux.cgroupsPath";
  if (path == NULL || *path == '\0')
    {
      *slice = xstrdup ("system.slice");
      xasprintf (unit, "casing-%s.scope", id);
      return 0;
    }
  const char *c1 = strchr (path, ':');
  const char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':') || strchr (path, '/'))
    return casing_error_set (err, EINVAL, "%s: `%s`: expected `slice:prefix:name` with --systemd-cgroup", what,
                             path);
  *slice = c1 == path ? xstrdup ("system.slice") : strndup (path, (size_t) (c1 - path));
  const char *name = *(c2 + 1) ? c2 + 1 : id;
  size_t plen = (size_t) (c2 - c1 - 1);
  /* A name that already ends in .slice names a slice itself (runc does the same). */
  if (strlen (name) > 6 && strcmp (name + strlen (name) - 6, ".slice") == 0)
    *unit = xstrdup (name);
  else if (plen == 0)
    xasprintf (unit, "%s.scope", name);
  else
    xasprintf (unit, "%.*s-%s.scope", (int) plen, c1 + 1, name);
  return 0;
}

static bool
systemd_is_running (void)
{
  /* sd_booted(3)'s test: systemd creates this directory early at boot. */
  return access ("/run/systemd/system", F_OK) == 0;
}

int
cgroup_systemd_create (struct cgroup_manager *m, const struct cgroup_options *opts, casing_error_t *err)
{
  cleanup_free char *slice = NULL;
  cleanup_free char *unit = NULL;
  (void) m;
  if (cgroup_systemd_parse_path (opts->cgroups_path, opts->id, &slice, &unit, err) < 0)
    return -1;
  if (!systemd_is_running ())
    return casing_error_set (err, ENOTSUP,
                             "--systemd-cgroup: systemd is not the init system (PID 1) of this host; "
                             "run without --systemd-cgroup to use the cgroupfs driver");
  return casing_error_set (err, ENOTSUP,
                           "--systemd-cgroup: this build of casing has no systemd support (libsystemd "
                           "was not found at build time); cannot create `%s` in `%s`",
                           unit, slice);
}
