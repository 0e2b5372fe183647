/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which cgroup hierarchies the host has, read from /proc/self/mountinfo at
 * run time: pure v1, pure v2, or hybrid (v1 controllers next to a cgroup2
 * mount that may itself hold controllers, e.g. hugetlb). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "core/utils.h"

/* Mount options of a v1 cgroup mount that are not controllers. */
static const char *const v1_non_controller_options[] = {
  "rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec", "xattr", "noprefix",
  "clone_children", "cpuset_v2_mode", "favordynmods", "nsdelegate", NULL,
};

static bool
is_controller_option (const char *opt)
{
  for (size_t i = 0; v1_non_controller_options[i]; i++)
    if (strcmp (opt, v1_non_controller_options[i]) == 0)
      return false;
  return strncmp (opt, "release_agent=", 14) != 0 && *opt != '\0';
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
unescape_octal (const char *s)
{
  char *out = xmalloc0 (strlen (s) + 1), *o = out;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
          && s[3] <= '7')
        {
          *o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
          s += 3;
        }
      else
        *o++ = *s;
    }
  return out;
}

static void
add_controller (struct cgroup_hierarchy *h, const char *name)
{
  h->controllers = xrealloc (h->controllers, (h->n_controllers + 1) * sizeof (char *));
  h->controllers[h->n_controllers++] = xstrdup (name);
}

bool
cgroup_hierarchy_has (const struct cgroup_hierarchy *h, const char *controller)
{
  for (size_t i = 0; i < h->n_controllers; i++)
    if (strcmp (h->controllers[i], controller) == 0)
      return true;
  return false;
}

static bool
same_controllers (const struct cgroup_hierarchy *a, const struct cgroup_hierarchy *b)
{
  if (a->v2 != b->v2 || a->n_controllers != b->n_controllers)
    return false;
  for (size_t i = 0; i < a->n_controllers; i++)
    if (!cgroup_hierarchy_has (b, a->controllers[i]))
      return false;
  return true;
}

static void
hierarchy_free (struct cgroup_hierarchy *h)
{
  free (h->mountpoint);
  free (h->root);
  for (size_t i = 0; i < h->n_controllers; i++)
    free (h->controllers[i]);
  free (h->controllers);
}

/* Append the hierarchy unless the same one is already known (bind mounts of
 * a hierarchy show up more than once: keep the first). */
static void
host_add (struct cgroup_host *host, struct cgroup_hierarchy *h)
{
  for (size_t i = 0; i < host->n; i++)
    if (same_controllers (&host->h[i], h) && (h->v2 || h->n_controllers > 0))
      {
        hierarchy_free (h);
        return;
      }
  host->h = xrealloc (host->h, (host->n + 1) * sizeof (*host->h));
  host->h[host->n++] = *h;
}

static void
parse_v1_controllers (struct cgroup_hierarchy *h, const char *super_opts)
{
  cleanup_free char *opts = xstrdup (super_opts);
  char *save = NULL;
  for (char *o = strtok_r (opts, ",", &save); o; o = strtok_r (NULL, ",", &save))
    if (is_controller_option (o))
      add_controller (h, o);
}

static void
parse_v2_controllers (struct cgroup_hierarchy *h)
{
  cleanup_free char *path = NULL;
  cleanup_free char *data = NULL;
  cleanup_casing_error casing_error_t ignored = NULL;

  xasprintf (&path, "%s/cgroup.controllers", h->mountpoint);
  if (read_all_file (path, &data, NULL, &ignored) < 0)
    return; /* a test's fake mountinfo, or a mount we cannot read: no controllers */
  char *save = NULL;
  for (char *c = strtok_r (data, " \n", &save); c; c = strtok_r (NULL, " \n", &save))
    add_controller (h, c);
}

/* One mountinfo line; returns 1 when it was a cgroup mount. */
static int
parse_line (struct cgroup_host *host, char *line)
{
  char *fields[6] = { NULL };
  char *save = NULL, *tok, *fstype = NULL, *super = NULL;
  int n = 0;

  while (n < 6 && (tok = strtok_r (n == 0 ? line : NULL, " ", &save)))
    fields[n++] = tok;
  if (n < 6)
    return 0;
  /* Optional fields ("shared:5"...) end at "-". */
  for (tok = strtok_r (NULL, " ", &save); tok && strcmp (tok, "-") != 0; tok = strtok_r (NULL, " ", &save))
    ;
  if (tok == NULL || (fstype = strtok_r (NULL, " ", &save)) == NULL || strtok_r (NULL, " ", &save) == NULL
      || (super = strtok_r (NULL, " \n", &save)) == NULL)
    return 0;
  bool v2 = strcmp (fstype, "cgroup2") == 0;
  if (!v2 && strcmp (fstype, "cgroup") != 0)
    return 0;

  struct cgroup_hierarchy h = { .v2 = v2 };
  h.root = unescape_octal (fields[3]);
  h.mountpoint = unescape_octal (fields[4]);
  if (v2)
    parse_v2_controllers (&h);
  else
    parse_v1_controllers (&h, super);
  host_add (host, &h);
  return 1;
}

static void
host_set_mode (struct cgroup_host *host)
{
  bool v1_controllers = false;
  host->v2 = -1;
  for (size_t i = 0; i < host->n; i++)
    {
      if (host->h[i].v2 && host->v2 < 0)
        host->v2 = (int) i;
      /* A lone name=systemd v1 mount (systemd's legacy tracking) does not
       * make a host v1: it has no resources to control. */
      for (size_t c = 0; !host->h[i].v2 && c < host->h[i].n_controllers; c++)
        if (strncmp (host->h[i].controllers[c], "name=", 5) != 0)
          v1_controllers = true;
    }
  if (host->v2 >= 0)
    host->mode = v1_controllers ? CGROUP_MODE_HYBRID : CGROUP_MODE_V2;
  else
    host->mode = CGROUP_MODE_V1;
}

int
cgroup_host_parse_mountinfo (struct cgroup_host *host, const char *mountinfo, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (mountinfo);
  char *save = NULL;
  memset (host, 0, sizeof (*host));
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      cleanup_free char *l = xstrdup (line);
      parse_line (host, l);
    }
  if (host->n == 0)
    return casing_error_set (err, ENOENT, "no cgroup filesystem is mounted");
  host_set_mode (host);
  return 0;
}

int
cgroup_host_detect (struct cgroup_host *host, casing_error_t *err)
{
  cleanup_free char *data = NULL;
  if (read_all_file ("/proc/self/mountinfo", &data, NULL, err) < 0)
    return -1;
  return cgroup_host_parse_mountinfo (host, data, err);
}

void
cgroup_host_free (struct cgroup_host *host)
{
  for (size_t i = 0; i < host->n; i++)
    hierarchy_free (&host->h[i]);
  free (host->h);
  host->h = NULL;
  host->n = 0;
}

/* With RT group scheduling (v1 cpu controller with cpu.rt_runtime_us), a
 * new cgroup gets no real-time runtime: sched_setattr(SCHED_FIFO/RR) is
 * refused there until cpu.rt_runtime_us is given some. */
bool
cgroup_host_rt_needs_runtime (void)
{
  struct cgroup_host host;
  bool found = false;

  if (cgroup_host_detect (&host, NULL) < 0)
    return false;
  for (size_t i = 0; i < host.n && !found; i++)
    if (!host.h[i].v2 && cgroup_hierarchy_has (&host.h[i], "cpu"))
      {
        cleanup_free char *file = NULL;
        xasprintf (&file, "%s/cpu.rt_runtime_us", host.h[i].mountpoint);
        found = access (file, F_OK) == 0;
      }
  cgroup_host_free (&host);
  return found;
}
