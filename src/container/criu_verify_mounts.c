/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mount tree of a restored container comes from the images: CRIU
 * mounts what they list, and binds external mounts from host paths (ours,
 * and with auto-detection the paths the images name).  Images naming the
 * host's "/" as an external mount, or a disk's filesystem, would give the
 * container the host.  So at post-restore (tasks still stopped) every
 * mount the restored root task sees must be:
 *  - a part of a host filesystem the runtime itself would bind there: the
 *    rootfs, a source in the config's mounts, /dev/null and the device
 *    nodes, the container's own cgroup directories, NOTIFY_SOCKET (a part
 *    is the device and the path in its filesystem, compared with those of
 *    each source as the host's mountinfo gives them);
 *  - or a view of the container's namespaces (proc, sysfs, mqueue), whole
 *    or a part of one it has whole;
 *  - or an instance of its own of tmpfs, ramfs or devpts: no mount of the
 *    host's shows that superblock (a bind of the host's /tmp is tmpfs too);
 *  - or cgroup filesystems where the config lets it mount them itself
 *    (CAP_SYS_ADMIN). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "confine/caps.h"
#include "core/log.h"
#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"

#define CAP_SYS_ADMIN_BIT 21

/* A part of a host filesystem: device and path in it. */
struct source
{
  dev_t dev;
  char *fsroot;
};

static bool
path_within (const char *path, const char *top)
{
  size_t n = strlen (top);
  if (strcmp (top, "/") == 0)
    return true;
  return strncmp (path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The host mount holding `path` (the deepest mountpoint above it on the
 * same device), and so the path of `path` in its filesystem. */
static void
add_source (struct source **v, size_t *n, const struct mlist *host, const char *given)
{
  const struct minfo *best = NULL;
  char path[PATH_MAX];
  struct stat st;
  char *fsroot;

  /* Compared with mountpoints: the path without symlinks. */
  if (given == NULL || given[0] != '/' || realpath (given, path) == NULL || stat (path, &st) < 0)
    return;
  /* A block device the config mounts: its filesystem, whole. */
  if (S_ISBLK (st.st_mode))
    {
      *v = xrealloc (*v, (*n + 1) * sizeof **v);
      (*v)[*n].dev = st.st_rdev;
      (*v)[(*n)++].fsroot = xstrdup ("/");
      return;
    }
  for (size_t i = 0; i < host->n; i++)
    if (makedev (host->v[i].major, host->v[i].minor) == st.st_dev && path_within (path, host->v[i].target)
        && (best == NULL || strlen (host->v[i].target) >= strlen (best->target)))
      best = &host->v[i];
  if (best == NULL)
    return;
  if (strcmp (best->target, "/") == 0)
    xasprintf (&fsroot, "%s%s", strcmp (best->root, "/") == 0 ? "" : best->root, path);
  else
    xasprintf (&fsroot, "%s%s", strcmp (best->root, "/") == 0 ? "" : best->root, path + strlen (best->target));
  if (*fsroot == '\0')
    {
      free (fsroot);
      fsroot = xstrdup ("/");
    }
  log_debug ("allowed mount source `%s`: `%s` of %u:%u", path, fsroot, major (st.st_dev), minor (st.st_dev));
  *v = xrealloc (*v, (*n + 1) * sizeof **v);
  (*v)[*n].dev = st.st_dev;
  (*v)[(*n)++].fsroot = fsroot;
}

static const char *const device_paths[] = {
  "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

static void
allowed_sources (const struct criu_mount_check *c, const struct mlist *host, struct source **v, size_t *n)
{
  const oci_config *cfg = c->config;
  const char *notify = getenv ("NOTIFY_SOCKET");

  add_source (v, n, host, c->rootfs);
  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const char *s = cfg->mounts[i].source;
      cleanup_free char *abs = NULL;
      if (s == NULL)
        continue;
      if (s[0] != '/')
        xasprintf (&abs, "%s/%s", c->bundle, s);
      add_source (v, n, host, abs ? abs : s);
    }
  for (size_t i = 0; i < sizeof device_paths / sizeof device_paths[0]; i++)
    add_source (v, n, host, device_paths[i]);
  for (size_t i = 0; cfg->linux_ && i < cfg->linux_->devices_len; i++)
    add_source (v, n, host, cfg->linux_->devices[i].path);
  for (char **d = c->cgroup_dirs; d && *d; d++)
    add_source (v, n, host, *d);
  if (notify && notify[0] == '/')
    add_source (v, n, host, notify);
}

static bool
type_is (const char *t, const char *const *list)
{
  for (size_t i = 0; list[i]; i++)
    if (strcmp (t, list[i]) == 0)
      return true;
  return false;
}

/* Views of the container's own namespaces: whole, they show nothing of
 * the host that its namespaces (checked) do not. */
static const char *const ns_views[] = { "proc", "sysfs", "mqueue", NULL };
/* Filesystems with content: the container's only as instances of its own
 * (no mount of the host's shows that superblock). */
static const char *const instances[] = { "tmpfs", "ramfs", "devpts", NULL };

static bool
list_has_dev (const struct mlist *l, unsigned major, unsigned minor, bool whole_only)
{
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].major == major && l->v[i].minor == minor && (!whole_only || strcmp (l->v[i].root, "/") == 0))
      return true;
  return false;
}

static bool
from_sources (const struct minfo *m, const struct source *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (v[i].dev == makedev (m->major, m->minor) && path_within (m->root, v[i].fsroot))
      return true;
  return false;
}

static bool
may_mount_itself (const oci_config *c)
{
  struct caps_masks m = { 0 };
  return c->process->capabilities && caps_parse (c->process->capabilities, &m, NULL) == 0
         && (m.bounding & (1ULL << CAP_SYS_ADMIN_BIT));
}

static bool
mount_allowed (const struct mlist *host, const struct mlist *task, const struct minfo *m, const struct source *v,
               size_t n, bool admin)
{
  bool host_sb = list_has_dev (host, m->major, m->minor, false);

  if (from_sources (m, v, n))
    return true;
  if (type_is (m->fstype, ns_views))
    return strcmp (m->root, "/") == 0 || list_has_dev (task, m->major, m->minor, true) || !host_sb;
  if (type_is (m->fstype, instances))
    return !host_sb;
  /* The container's own cgroups are sources; the rest only where it could
   * mount cgroups itself. */
  if (strcmp (m->fstype, "cgroup") == 0 || strcmp (m->fstype, "cgroup2") == 0)
    return admin;
  return false;
}

static int
check_mounts (const struct criu_mount_check *c, const struct mlist *host, const struct mlist *task,
              const struct source *v, size_t n, casing_error_t *err)
{
  bool admin = may_mount_itself (c->config);

  for (size_t i = 0; i < task->n; i++)
    {
      const struct minfo *m = &task->v[i];
      log_debug ("restored mount `%s`: %s `%s` of %u:%u", m->target, m->fstype, m->root, m->major, m->minor);
      if (!mount_allowed (host, task, m, v, n, admin))
        return casing_error_set (err, EPERM, "restored mount `%s` (%s, `%s` of device %u:%u) is nothing the "
                                 "config gives the container", m->target, m->fstype, m->root, m->major, m->minor);
    }
  return 0;
}

int
criu_verify_mounts (const struct criu_mount_check *c, pid_t root_task, casing_error_t *err)
{
  cleanup_free char *path = NULL;
  struct mlist host = { 0 }, task = { 0 };
  struct source *v = NULL;
  size_t n = 0;
  int r;

  xasprintf (&path, "%d/mountinfo", (int) root_task);
  r = criu_mountinfo_of ("self/mountinfo", &host, err);
  if (r == 0)
    r = criu_mountinfo_of (path, &task, err);
  if (r == 0)
    {
      allowed_sources (c, &host, &v, &n);
      r = check_mounts (c, &host, &task, v, n, err);
    }
  for (size_t i = 0; i < n; i++)
    free (v[i].fsroot);
  free (v);
  criu_mountinfo_free (&host);
  criu_mountinfo_free (&task);
  return r < 0 ? casing_error_prefix (err, "the checkpoint is refused") : 0;
}
