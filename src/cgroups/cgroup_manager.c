/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroupfs manager: one directory per hierarchy for the container,
 * created before the container process starts and removed by `delete`. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "systemd_props.h"
#include "core/trace.h"
#include "core/log.h"
#include "core/utils.h"

bool
cgroup_dir_is_v2 (const struct cgroup_dir *d)
{
  return d->h->v2;
}

struct cgroup_dir *
cgroup_manager_v2_dir (struct cgroup_manager *m)
{
  for (size_t i = 0; i < m->n_dirs; i++)
    if (m->dirs[i].h->v2)
      return &m->dirs[i];
  return NULL;
}

/* On v2 the freezer and the device filter are part of the core, not
 * controllers listed in cgroup.controllers. */
static bool
v2_has (const struct cgroup_dir *d, const char *controller)
{
  return strcmp (controller, "freezer") == 0 || strcmp (controller, "devices") == 0
         || cgroup_hierarchy_has (d->h, controller);
}

struct cgroup_dir *
cgroup_manager_dir_for (struct cgroup_manager *m, const char *controller)
{
  struct cgroup_dir *v2 = NULL;
  for (size_t i = 0; i < m->n_dirs; i++)
    {
      if (m->dirs[i].h->v2)
        v2 = &m->dirs[i];
      else if (cgroup_hierarchy_has (m->dirs[i].h, controller))
        return &m->dirs[i];
    }
  /* Hybrid: a controller the host left to cgroup2 (hugetlb here). The core
   * files only count on a pure v2 host: in hybrid mode the v1 freezer and
   * devices controllers are the ones that act. */
  if (v2 && (cgroup_hierarchy_has (v2->h, controller) || (m->host.mode == CGROUP_MODE_V2 && v2_has (v2, controller))))
    return v2;
  return NULL;
}

int
cgroup_dir_write (struct cgroup_dir *d, const char *file, const char *value, casing_error_t *err)
{
  cleanup_close int fd = openat (d->fd, file, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s/%s`", d->full, file);
  if (write (fd, value, strlen (value)) < 0)
    return casing_error_errno (err, "write `%s` to `%s/%s`", value, d->full, file);
  return 0;
}

int
cgroup_dir_read (struct cgroup_dir *d, const char *file, char **out, casing_error_t *err)
{
  cleanup_close int fd = openat (d->fd, file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s/%s`", d->full, file);
  return read_all_fd (fd, file, out, NULL, err);
}

bool
cgroup_dir_has_file (struct cgroup_dir *d, const char *file)
{
  return faccessat (d->fd, file, F_OK, 0) == 0;
}

int
cgroup_write (struct cgroup_manager *m, const char *controller, const char *file, const char *value,
              casing_error_t *err)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, controller);
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, "the %s cgroup controller is not available on this host",
                             controller);
  return cgroup_dir_write (d, file, value, err);
}

/* mkdir every missing component of d->path below the mountpoint; d->created
 * counts the trailing ones we made so destroy removes exactly those. */
static int
dir_make (struct cgroup_dir *d, casing_error_t *err)
{
  cleanup_close int cur = open (d->h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *copy = xstrdup (d->path);
  char *save = NULL;

  if (cur < 0)
    return casing_error_errno (err, "open `%s`", d->h->mountpoint);
  d->created = 0;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (d->h->v2 && cgroup_v2_enable_controllers_at (cur, d->h, err) < 0)
        return casing_error_prefix (err, "cgroup `%s`", d->full);
      if (mkdirat (cur, c, 0755) == 0)
        d->created++;
      else if (errno == EEXIST)
        d->created = 0;
      else
        return casing_error_errno (err, "mkdir `%s` in `%s`", c, d->full);
      int next = openat (cur, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (next < 0)
        return casing_error_errno (err, "open `%s` in `%s`", c, d->full);
      close (cur);
      cur = next;
      if (!d->h->v2 && cgroup_hierarchy_has (d->h, "cpuset") && cgroup_v1_cpuset_init_at (cur, err) < 0)
        return casing_error_prefix (err, "cgroup `%s`", d->full);
    }
  d->fd = steal_fd (&cur);
  return 0;
}

int
cgroup_for_each_child (int dfd, const char *full, cgroup_child_fn fn, void *data, casing_error_t *err)
{
  /* Close-on-exec from the start, not only once fdopendir sets it. */
  int fd = fcntl (dfd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    return casing_error_errno (err, "duplicate the fd of `%s`", full);
  cleanup_dir DIR *dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return casing_error_errno (err, "opendir `%s`", full);
    }
  /* The duplicate shares the position of `dfd`: a walk before this one
   * (kill_all's, then destroy's) would otherwise find no child at all. */
  rewinddir (dir);
  struct dirent *de;
  while ((de = readdir (dir)))
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      cleanup_close int sub = openat (dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      cleanup_free char *subfull = NULL;
      xasprintf (&subfull, "%s/%s", full, de->d_name);
      if (fn (dfd, de->d_name, sub, subfull, data, err) < 0)
        return -1;
    }
  return 0;
}

static int remove_children (int dfd, const char *full, casing_error_t *err);

static int
remove_child (int dfd, const char *name, int sub, const char *subfull, void *data, casing_error_t *err)
{
  (void) data;
  if (sub >= 0 && remove_children (sub, subfull, err) < 0)
    return -1;
  if (unlinkat (dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return casing_error_errno (err, "rmdir `%s`", subfull);
  return 0;
}

/* rmdir the leaf's own children (made by the container, e.g. with a cgroup
 * namespace), deepest first. */
static int
remove_children (int dfd, const char *full, casing_error_t *err)
{
  return cgroup_for_each_child (dfd, full, remove_child, NULL, err);
}

/* rmdir fails with EBUSY while exiting tasks are still charged to the
 * cgroup; they leave within milliseconds of SIGKILL. */
static int
rmdir_retry (const char *path)
{
  for (int i = 0; i < 500; i++)
    {
      if (rmdir (path) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        return -1;
      usleep (10000);
    }
  return -1;
}

static int
dir_remove (struct cgroup_dir *d, casing_error_t *err)
{
  if (d->created == 0)
    return 0;
  if (d->fd >= 0 && remove_children (d->fd, d->full, err) < 0)
    return -1;
  if (d->h->v2)
    cgroup_v2_wait_unpopulated (d, 2000);
  cleanup_free char *p = xstrdup (d->full);
  for (int i = 0; i < d->created; i++)
    {
      if (rmdir_retry (p) < 0)
        {
          /* A parent shared with other containers stays. */
          if (i > 0 && (errno == ENOTEMPTY || errno == EBUSY))
            break;
          return casing_error_errno (err, "rmdir `%s`", p);
        }
      char *slash = strrchr (p, '/');
      if (slash == NULL)
        break;
      *slash = '\0';
    }
  d->created = 0;
  return 0;
}

static void
dirs_free (struct cgroup_manager *m)
{
  for (size_t i = 0; i < m->n_dirs; i++)
    {
      if (m->dirs[i].fd >= 0)
        close (m->dirs[i].fd);
      free (m->dirs[i].path);
      free (m->dirs[i].full);
    }
  free (m->dirs);
  m->dirs = NULL;
  m->n_dirs = 0;
}

void
cgroup_manager_free (struct cgroup_manager *m)
{
  if (m == NULL)
    return;
  dirs_free (m);
  cgroup_host_free (&m->host);
  free (m->devices);
  free (m->systemd_unit);
  free (m->systemd_slice);
  if (m->systemd_props)
    systemd_props_free (m->systemd_props);
  free (m->systemd_props);
  free (m->id);
  free (m->path);
  free (m);
}

static struct cgroup_dir *
add_dir (struct cgroup_manager *m, struct cgroup_hierarchy *h, const char *path)
{
  m->dirs = xrealloc (m->dirs, (m->n_dirs + 1) * sizeof (*m->dirs));
  struct cgroup_dir *d = &m->dirs[m->n_dirs++];
  memset (d, 0, sizeof (*d));
  d->h = h;
  d->fd = -1;
  d->path = xstrdup (path);
  xasprintf (&d->full, "%s%s", h->mountpoint, strcmp (path, "/") == 0 ? "" : path);
  return d;
}


/* A leaf that already holds processes belongs to someone else. */
static int
check_unused (struct cgroup_dir *d, casing_error_t *err)
{
  cleanup_free char *procs = NULL;
  if (d->created > 0 || cgroup_dir_read (d, "cgroup.procs", &procs, err) < 0)
    return 0;
  casing_error_release (err);
  if (procs && *procs)
    return casing_error_set (err, EBUSY, "linux.cgroupsPath: cgroup `%s` already has processes", d->full);
  return 0;
}

static int
create_dirs (struct cgroup_manager *m, const struct cgroup_options *opts, casing_error_t *err)
{
  cleanup_free char *self = NULL;
  if (read_all_file ("/proc/self/cgroup", &self, NULL, err) < 0)
    return -1;
  for (size_t i = 0; i < m->host.n; i++)
    {
      struct cgroup_hierarchy *h = &m->host.h[i];
      cleanup_free char *own = cgroup_path_own (self, h);
      cleanup_free char *path = NULL;
      if (cgroup_path_resolve (opts->cgroups_path, opts->id, own, h->v2, &path, err) < 0)
        return -1;
      struct cgroup_dir *d = add_dir (m, h, path);
      TRACE_START (t);
      int made;
      if (m->path == NULL || h->v2)
        {
          free (m->path);
          m->path = xstrdup (path);
        }
      made = dir_make (d, err);
      TRACE_STEP (t, "cgroup-mkdir", 2, d->full);
      if (made < 0)
        {
          if (!opts->rootless || (err && *err && (*err)->status != EACCES && (*err)->status != EPERM
                                  && (*err)->status != EROFS))
            return -1;
          /* Rootless without a delegated subtree: run without this
           * hierarchy, as crun does, quietly (the usual case on cgroup v1);
           * limits asked for in it fail later, or are noted when the
           * container has no cgroup at all (cgroup_apply.c). */
          log_debug ("rootless: no cgroup `%s`: %s", d->full, err && *err ? (*err)->msg : "");
          casing_error_release (err);
          cleanup_casing_error casing_error_t ignored = NULL;
          dir_remove (d, &ignored);
          free (d->path);
          free (d->full);
          if (d->fd >= 0)
            close (d->fd);
          m->n_dirs--;
          continue;
        }
      if (check_unused (d, err) < 0)
        return -1;
    }
  return 0;
}

/* Only type and numbers matter for the rules; the caller's config may go
 * away before cgroup_manager_apply. */
void
cgroup_manager_set_devices (struct cgroup_manager *m, const oci_device *devs, size_t n)
{
  free (m->devices);
  m->n_devices = 0;
  m->devices = n ? xmalloc0 (n * sizeof (*m->devices)) : NULL;
  for (size_t i = 0; i < n; i++)
    {
      const char *t = devs[i].type ? devs[i].type : "";
      m->devices[m->n_devices] = devs[i];
      m->devices[m->n_devices].path = NULL;
      m->devices[m->n_devices].type = (char *) (t[0] == 'b' ? "b" : t[0] == 'c' ? "c" : t[0] == 'u' ? "u" : "p");
      m->n_devices++;
    }
}

bool
cgroup_manager_disabled (const struct cgroup_manager *m)
{
  return m->disabled;
}

int
cgroup_manager_need (struct cgroup_manager *m, const char *what, casing_error_t *err)
{
  if (!m->disabled)
    return 0;
  return casing_error_set (err, ENODEV, "%s: container `%s` has no cgroup (--cgroup-manager disabled, or "
                           "neither cgroupsPath nor resources in its config)", what, m->id);
}

int
cgroup_manager_create (const struct cgroup_options *opts, const oci_resources *resources,
                       struct cgroup_manager **out, casing_error_t *err)
{
  struct cgroup_manager *m = xmalloc0 (sizeof (*m));
  m->id = xstrdup (opts->id);
  m->systemd = opts->systemd && !opts->disabled;
  m->rootless = opts->rootless;
  m->disabled = opts->disabled;
  cgroup_manager_set_devices (m, opts->devices, opts->devices_len);
  if (cgroup_host_detect (&m->host, err) < 0)
    goto fail;
  if (m->disabled)
    {
      m->path = xstrdup ("");
      *out = m;
      return 0;
    }
  if (opts->systemd)
    {
      /* systemd makes the directories when the scope starts with the
       * container's pid in it (cgroup_manager_enter). */
      if (cgroup_systemd_create (m, opts, resources, err) < 0)
        goto fail;
      *out = m;
      return 0;
    }
  if (create_dirs (m, opts, err) < 0)
    {
      cleanup_casing_error casing_error_t ignored = NULL;
      for (size_t i = 0; i < m->n_dirs; i++)
        dir_remove (&m->dirs[i], &ignored);
      goto fail;
    }
  *out = m;
  return 0;
fail:
  cgroup_manager_free (m);
  return -1;
}

int
cgroup_manager_clone_fd (struct cgroup_manager *m)
{
  /* Only a pure v2 host can place the child with clone3 alone; with v1
   * hierarchies cgroup_manager_enter has to run anyway. */
  struct cgroup_dir *d = cgroup_manager_v2_dir (m);
  if (m->host.mode != CGROUP_MODE_V2 || d == NULL || m->systemd)
    return -1;
  return d->fd;
}

int
cgroup_manager_enter (struct cgroup_manager *m, pid_t pid, casing_error_t *err)
{
  char buf[32];
  /* 1: the directories are known only now, the state must be saved again. */
  if (m->systemd && !m->systemd_started)
    return cgroup_systemd_enter (m, pid, err) < 0 ? -1 : 1;
  snprintf (buf, sizeof buf, "%d", (int) pid);
  for (size_t i = 0; i < m->n_dirs; i++)
    if (cgroup_dir_write (&m->dirs[i], "cgroup.procs", buf, err) < 0)
      return -1;
  return 0;
}

struct sub_spec
{
  char *controllers; /* comma-separated, NULL for "every hierarchy" */
  const char *path;
  bool used;
};

static int
sub_spec_parse (const char *spec, struct sub_spec *s, casing_error_t *err)
{
  const char *colon = strchr (spec, ':');
  const char *path = colon ? colon + 1 : spec;
  cleanup_free char *copy = NULL;
  char *save = NULL;

  s->controllers = colon ? xstrdup (spec) : NULL;
  if (s->controllers)
    s->controllers[colon - spec] = '\0';
  while (*path == '/')
    path++;
  s->path = path;
  s->used = false;
  copy = xstrdup (path);
  if (*path == '\0' || (s->controllers && s->controllers[0] == '\0'))
    return casing_error_set (err, EINVAL, "exec --cgroup `%s`: use [CONTROLLER:]PATH", spec);
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    if (strcmp (c, "..") == 0)
      return casing_error_set (err, EINVAL, "exec --cgroup `%s`: the path must stay below the container's cgroup",
                               spec);
  return 0;
}

static bool
sub_spec_names (const struct sub_spec *s, const struct cgroup_hierarchy *h)
{
  cleanup_free char *copy = xstrdup (s->controllers);
  char *save = NULL;
  for (char *c = strtok_r (copy, ",", &save); c; c = strtok_r (NULL, ",", &save))
    if (cgroup_hierarchy_has (h, c))
      return true;
  return false;
}

/* The sub-cgroup of `d` for the specs: one naming a controller of this
 * hierarchy wins over one naming none; NULL for the container's own. */
static struct sub_spec *
sub_spec_for (struct sub_spec *specs, size_t n, const struct cgroup_dir *d)
{
  struct sub_spec *any = NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (specs[i].controllers == NULL)
        any = &specs[i];
      else if (sub_spec_names (&specs[i], d->h))
        return &specs[i];
    }
  return any;
}

/* Component by component, never following a symlink: the container may
 * own the directories below its cgroup (a cgroup namespace). */
static int
open_below (int dirfd, const char *path, const char *full, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  cleanup_close int cur = fcntl (dirfd, F_DUPFD_CLOEXEC, 3);
  char *save = NULL;

  for (char *c = strtok_r (copy, "/", &save); c && cur >= 0; c = strtok_r (NULL, "/", &save))
    {
      int next = openat (cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return casing_error_errno (err, "exec --cgroup: `%s/%s`", full, path);
      close (cur);
      cur = next;
    }
  if (cur < 0)
    return casing_error_errno (err, "exec --cgroup: open `%s`", full);
  return steal_fd (&cur);
}

static int
enter_sub_dir (struct cgroup_dir *d, const char *sub, const char *pid, casing_error_t *err)
{
  cleanup_close int fd = open_below (d->fd, sub, d->full, err);
  cleanup_close int procs = -1;

  if (fd < 0)
    return -1;
  procs = openat (fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
  if (procs < 0 || write (procs, pid, strlen (pid)) < 0)
    return casing_error_errno (err, "exec --cgroup: join `%s/%s`", d->full, sub);
  return 0;
}

int
cgroup_manager_enter_sub (struct cgroup_manager *m, pid_t pid, char *const *specs, size_t n,
                          casing_error_t *err)
{
  struct sub_spec *s;
  char buf[32];
  int r = 0;

  if (cgroup_manager_need (m, "exec --cgroup", err) < 0)
    return -1;
  s = xmalloc0 ((n ? n : 1) * sizeof *s);
  snprintf (buf, sizeof buf, "%d", (int) pid);
  for (size_t i = 0; i < n && r == 0; i++)
    r = sub_spec_parse (specs[i], &s[i], err);
  for (size_t i = 0; i < m->n_dirs && r == 0; i++)
    {
      struct sub_spec *pick = sub_spec_for (s, n, &m->dirs[i]);
      if (pick)
        pick->used = true;
      r = pick ? enter_sub_dir (&m->dirs[i], pick->path, buf, err)
               : cgroup_dir_write (&m->dirs[i], "cgroup.procs", buf, err);
    }
  for (size_t i = 0; i < n && r == 0; i++)
    if (s[i].controllers && !s[i].used)
      r = casing_error_set (err, ENOENT, "exec --cgroup `%s`: no hierarchy of the container has %s", specs[i],
                            s[i].controllers);
  for (size_t i = 0; i < n; i++)
    free (s[i].controllers);
  free (s);
  return r;
}

int
cgroup_manager_destroy (struct cgroup_manager *m, casing_error_t *err)
{
  cleanup_casing_error casing_error_t kill_err = NULL;
  int ret = 0;

  /* A failed kill (nothing left, freezer gone) must not keep the
   * directories: removing them is what reports a real leftover. */
  cgroup_manager_kill_all (m, SIGKILL, &kill_err);
  if (m->systemd && cgroup_systemd_stop (m, err) < 0)
    ret = -1;
  /* Go on after a failure: every other hierarchy still gets cleaned, and
   * the first error is the one reported.  (systemd driver: only the v1
   * directories casing joined itself have `created` set.) */
  for (size_t i = 0; i < m->n_dirs; i++)
    {
      cleanup_casing_error casing_error_t e = NULL;
      if (dir_remove (&m->dirs[i], ret < 0 ? &e : err) < 0)
        ret = -1;
    }
  if (ret < 0)
    return casing_error_prefix (err, "delete the cgroups of `%s`", m->id);
  return 0;
}

/* Used by cgroup_state.c to rebuild the manager from the state file. */
struct cgroup_dir *
cgroup_manager_add_dir (struct cgroup_manager *m, struct cgroup_hierarchy *h, const char *path, int created)
{
  struct cgroup_dir *d = add_dir (m, h, path);
  d->created = created;
  d->fd = open (d->full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return d;
}

/* The scope's path: where systemd tracks processes (the unified hierarchy,
 * or name=systemd on a v1-only host). */
static char *
scope_path (struct cgroup_manager *m, const char *proc_cgroup)
{
  for (size_t i = 0; i < m->host.n; i++)
    if (m->host.h[i].v2)
      return cgroup_path_own (proc_cgroup, &m->host.h[i]);
  for (size_t i = 0; i < m->host.n; i++)
    if (cgroup_hierarchy_has (&m->host.h[i], "name=systemd"))
      return cgroup_path_own (proc_cgroup, &m->host.h[i]);
  return xstrdup ("/");
}

static int
join_at (struct cgroup_manager *m, struct cgroup_hierarchy *h, const char *path, pid_t pid, casing_error_t *err)
{
  char buf[32];
  struct cgroup_dir *d = add_dir (m, h, path);
  snprintf (buf, sizeof buf, "%d", (int) pid);
  if (dir_make (d, err) < 0 || cgroup_dir_write (d, "cgroup.procs", buf, err) < 0)
    return -1;
  return 0;
}

/* v2: systemd enables only the controllers it knows down to the scope;
 * the others (rdma, hugetlb, misc) have to be enabled in every ancestor
 * for the scope to get their files, as the cgroupfs driver does.  systemd
 * leaves controllers it does not know alone, also on daemon-reload. */
static int
enable_down_to (struct cgroup_hierarchy *h, const char *path, casing_error_t *err)
{
  cleanup_close int cur = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;
  if (cur < 0)
    return casing_error_errno (err, "open `%s`", h->mountpoint);
  char *c = strtok_r (copy, "/", &save);
  while (c)
    {
      char *next_name = strtok_r (NULL, "/", &save);
      if (next_name == NULL)
        break; /* the scope itself holds processes: nothing to enable there */
      if (cgroup_v2_enable_controllers_at (cur, h, err) < 0)
        return -1;
      int next = openat (cur, c, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (next < 0)
        return casing_error_errno (err, "open `%s` in `%s`", c, h->mountpoint);
      close (cur);
      cur = next;
      c = next_name;
    }
  return cgroup_v2_enable_controllers_at (cur, h, err);
}

int
cgroup_manager_adopt_pid (struct cgroup_manager *m, pid_t pid, bool join_rest, casing_error_t *err)
{
  cleanup_free char *text = NULL;
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/cgroup", (int) pid);
  if (read_all_file (path, &text, NULL, err) < 0)
    return -1;
  cleanup_free char *scope = scope_path (m, text);
  for (size_t i = 0; i < m->host.n; i++)
    {
      struct cgroup_hierarchy *h = &m->host.h[i];
      cleanup_free char *own = cgroup_path_own (text, h);
      if (join_rest && h->v2 && strcmp (own, scope) == 0 && enable_down_to (h, scope, err) < 0)
        return casing_error_prefix (err, "enable the controllers above `%s`", scope);
      if (strcmp (own, scope) == 0 || (!join_rest && strcmp (own, "/") != 0))
        cgroup_manager_add_dir (m, h, own, 0);
      else if (join_rest && !h->v2 && strcmp (scope, "/") != 0 && join_at (m, h, scope, pid, err) < 0)
        return casing_error_prefix (err, "join the %s hierarchy", h->n_controllers ? h->controllers[0] : "v1");
    }
  free (m->path);
  m->path = xstrdup (scope);
  return 0;
}
