/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where linux.cgroupsPath lands in each hierarchy.
 *
 * Absolute paths are taken from the root of every hierarchy, as the spec
 * says.  Relative paths (and the default, the container id, when the config
 * has none) go below the cgroup casing itself runs in, the way runc places
 * them, so a runtime started inside a delegated subtree stays inside it.
 * On v2 the base is the parent of our own cgroup: our own one holds
 * processes, and the "no internal processes" rule forbids it children with
 * controllers enabled. */
#include <errno.h>
#include <string.h>

#include "cgroup_internal.h"
#include "core/utils.h"

/* Append the components of `p` to `buf` (which starts with "/"), rejecting
 * ".." so a config cannot climb out of the hierarchy or our subtree. */
static int
append_components (char **buf, const char *p, const char *what, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (p);
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        return casing_error_set (err, EINVAL, "%s: `%s`: `..` is not allowed", what, p);
      char *n = NULL;
      xasprintf (&n, "%s%s%s", *buf, strcmp (*buf, "/") == 0 ? "" : "/", c);
      free (*buf);
      *buf = n;
    }
  return 0;
}

static char *
parent_of (const char *own)
{
  char *p = xstrdup (own);
  char *slash = strrchr (p, '/');
  if (slash == NULL || slash == p)
    {
      free (p);
      return xstrdup ("/");
    }
  *slash = '\0';
  return p;
}

int
cgroup_path_resolve (const char *cgroups_path, const char *id, const char *own, bool v2, char **out,
                     casing_error_t *err)
{
  const char *what = "linux.cgroupsPath";
  cleanup_free char *buf = NULL;
  const char *rel = cgroups_path;

  if (rel == NULL || *rel == '\0')
    {
      if (id == NULL || *id == '\0' || strchr (id, '/'))
        return casing_error_set (err, EINVAL, "container id `%s` cannot name a cgroup", id ? id : "");
      rel = id;
    }
  if (rel[0] == '/')
    buf = xstrdup ("/");
  else if (v2)
    buf = parent_of (own ? own : "/");
  else
    buf = xstrdup (own ? own : "/");
  if (append_components (&buf, rel, what, err) < 0)
    return -1;
  if (strcmp (buf, "/") == 0)
    return casing_error_set (err, EINVAL, "%s: `%s` names the root cgroup", what, rel);
  *out = steal_pointer (&buf);
  return 0;
}

static bool
line_matches (const char *ctrls, const struct cgroup_hierarchy *h)
{
  if (h->v2)
    return *ctrls == '\0';
  if (*ctrls == '\0' || h->n_controllers == 0)
    return false;
  cleanup_free char *copy = xstrdup (ctrls);
  char *save = NULL;
  for (char *c = strtok_r (copy, ",", &save); c; c = strtok_r (NULL, ",", &save))
    if (cgroup_hierarchy_has (h, c))
      return true;
  return false;
}

char *
cgroup_path_own (const char *proc_cgroup, const struct cgroup_hierarchy *h)
{
  cleanup_free char *copy = xstrdup (proc_cgroup ? proc_cgroup : "");
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c2 = '\0';
      if (line_matches (c1 + 1, h))
        return xstrdup (*(c2 + 1) ? c2 + 1 : "/");
    }
  return xstrdup ("/");
}
