/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checkpoint images are data anyone may hand over (`podman container
 * restore --import` of an archive from elsewhere): CRIU restores the
 * namespaces, credentials, capabilities, seccomp filters and LSM labels
 * they describe, whatever the config says.  An image of a process in the
 * host's network namespace with every capability, restored for a config
 * asking for a new network namespace and three capabilities, would give
 * the "container" the host.  So:
 *  - before criu runs, the credentials in the images (criu_verify_images.c);
 *  - when criu reports the tree restored and still stopped (post-restore),
 *    the namespaces and cgroups of every task: anything looser aborts the
 *    restore and criu kills the tree before it ever ran;
 *  - once criu is done, the credentials of every thread again, as the
 *    kernel shows them (a difference kills the container). */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine/caps.h"
#include "confine/confine.h"
#include "confine/lsm.h"
#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct expected
{
  struct caps_masks caps;
  bool no_new_privs;
  bool seccomp;
  const oci_config *config;
  const char *apparmor; /* profile the tasks must be in, or NULL */
  const char *selinux;  /* label, or NULL */
  const char *cgroups;  /* /proc/PID/cgroup of criu, placed in the container's */
  int criu_ns;          /* /proc/CRIU/ns of criu, whose mount namespace is its own */
  bool creds;           /* check the credentials, else the namespaces and cgroups */
};

static const struct
{
  const char *type, *proc;
} ns_names[] = {
  { "network", "net" }, { "pid", "pid" }, { "ipc", "ipc" }, { "uts", "uts" }, { "mount", "mnt" },
  { "cgroup", "cgroup" }, { "user", "user" }, { "time", "time" },
};

static int
ns_ino (int dirfd, const char *name, struct stat *st, casing_error_t *err)
{
  if (fstatat (dirfd, name, st, 0) < 0)
    return casing_error_errno (err, "stat namespace `%s`", name);
  return 0;
}

static int
check_one_ns (const oci_namespace *ns, const char *f, int task_ns, int own_ns, int criu_ns, pid_t pid,
              casing_error_t *err)
{
  struct stat t, o;

  if (faccessat (task_ns, f, F_OK, 0) < 0 && errno == ENOENT)
    return 0; /* a namespace type this kernel does not have */
  if (ns_ino (task_ns, f, &t, err) < 0)
    return -1;
  if (ns->path)
    {
      if (stat (ns->path, &o) < 0)
        return casing_error_errno (err, "stat `%s`", ns->path);
      if (t.st_dev != o.st_dev || t.st_ino != o.st_ino)
        return casing_error_set (err, EPERM, "restored process %d is not in the %s namespace `%s` "
                                 "the config joins", (int) pid, ns->type, ns->path);
      return 0;
    }
  if (ns_ino (own_ns, f, &o, err) < 0)
    return -1;
  if (t.st_dev == o.st_dev && t.st_ino == o.st_ino)
    return casing_error_set (err, EPERM, "restored process %d shares the runtime's %s namespace, "
                             "where the config asks for a new one", (int) pid, ns->type);
  /* criu's mount namespace is a copy of the host's: not the container's. */
  if (criu_ns >= 0 && ns_ino (criu_ns, f, &o, err) < 0)
    return -1;
  if (criu_ns >= 0 && t.st_dev == o.st_dev && t.st_ino == o.st_ino)
    return casing_error_set (err, EPERM, "restored process %d shares criu's %s namespace, where the "
                             "config asks for a new one", (int) pid, ns->type);
  return 0;
}

static int
check_namespaces (const struct expected *e, pid_t pid, int own_ns, casing_error_t *err)
{
  const oci_linux *l = e->config->linux_;
  cleanup_free char *dir = NULL;
  cleanup_close int task_ns = -1;

  xasprintf (&dir, "%d/ns", (int) pid);
  task_ns = procfs_open_verified (dir, O_PATH | O_DIRECTORY, err);
  if (task_ns < 0)
    return -1;
  for (size_t i = 0; l && i < l->namespaces_len; i++)
    for (size_t k = 0; k < sizeof ns_names / sizeof ns_names[0]; k++)
      if (strcmp (l->namespaces[i].type, ns_names[k].type) == 0
          && check_one_ns (&l->namespaces[i], ns_names[k].proc, task_ns, own_ns, e->criu_ns, pid, err) < 0)
        return -1;
  return 0;
}

static int
status_hex (const char *status, const char *key, uint64_t *out)
{
  const char *p = strstr (status, key);
  if (p == NULL)
    return -1;
  *out = strtoull (p + strlen (key), NULL, 16);
  return 0;
}

static int
status_int (const char *status, const char *key, long *out)
{
  const char *p = strstr (status, key);
  if (p == NULL)
    return -1;
  *out = strtol (p + strlen (key), NULL, 10);
  return 0;
}

static int
check_caps (const char *status, const struct expected *e, const char *who, casing_error_t *err)
{
  static const struct
  {
    const char *key;
    size_t off;
  } sets[] = {
    { "\nCapInh:", offsetof (struct caps_masks, inheritable) },
    { "\nCapPrm:", offsetof (struct caps_masks, permitted) },
    { "\nCapEff:", offsetof (struct caps_masks, effective) },
    { "\nCapBnd:", offsetof (struct caps_masks, bounding) },
    { "\nCapAmb:", offsetof (struct caps_masks, ambient) },
  };

  for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
    {
      uint64_t have, allowed = *(const uint64_t *) ((const char *) &e->caps + sets[i].off);
      if (status_hex (status, sets[i].key, &have) < 0)
        continue;
      if (have & ~allowed)
        return casing_error_set (err, EPERM, "restored %s has capabilities the config does not give "
                                 "(%s %016" PRIx64 ", allowed %016" PRIx64 ")", who, sets[i].key + 1,
                                 have, allowed);
    }
  return 0;
}

static int
check_status (const struct expected *e, int taskdir, const char *tid, const char *who, casing_error_t *err)
{
  cleanup_free char *path = NULL, *status = NULL;
  size_t len;
  long v;

  xasprintf (&path, "%s/status", tid);
  if (read_file_at (taskdir, path, &status, &len, err) < 0)
    return -1;
  if (check_caps (status, e, who, err) < 0)
    return -1;
  if (e->no_new_privs && (status_int (status, "\nNoNewPrivs:", &v) < 0 || v != 1))
    return casing_error_set (err, EPERM, "restored %s lacks no_new_privs, which the config sets", who);
  if (e->seccomp && (status_int (status, "\nSeccomp:", &v) < 0 || v != 2))
    return casing_error_set (err, EPERM, "restored %s has no seccomp filter, which the config sets", who);
  return 0;
}

static int
read_label (int taskdir, const char *tid, const char *file, char **out, casing_error_t *err)
{
  cleanup_free char *path = NULL;
  size_t len;

  xasprintf (&path, "%s/%s", tid, file);
  if (read_file_at (taskdir, path, out, &len, err) < 0)
    return -1;
  (*out)[strcspn (*out, "\n")] = '\0';
  return 0;
}

static int
check_labels (const struct expected *e, int taskdir, const char *tid, const char *who, casing_error_t *err)
{
  const struct lsm_host *host = lsm_host_probe ();
  cleanup_free char *label = NULL;

  if (e->apparmor && host->apparmor_enabled)
    {
      const char *file = host->apparmor_attr_dir ? "attr/apparmor/current" : "attr/current";
      size_t n = strlen (e->apparmor);
      if (read_label (taskdir, tid, file, &label, err) < 0)
        return -1;
      if (strncmp (label, e->apparmor, n) != 0 || (label[n] != '\0' && label[n] != ' '))
        return casing_error_set (err, EPERM, "restored %s runs under AppArmor `%s`, not `%s`", who, label,
                                 e->apparmor);
    }
  if (e->selinux && host->selinux_enabled)
    {
      if (read_label (taskdir, tid, "attr/current", &label, err) < 0)
        return -1;
      if (strcmp (label, e->selinux) != 0)
        return casing_error_set (err, EPERM, "restored %s runs as SELinux `%s`, not `%s`", who, label,
                                 e->selinux);
    }
  return 0;
}

/* The line of hierarchy `hid` ("4:", "0:") in a /proc/PID/cgroup text: its
 * path, or NULL. */
static char *
cgroup_of (const char *text, const char *hid)
{
  size_t n = strlen (hid);
  for (const char *l = text; l && *l; l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
    if (strncmp (l, hid, n) == 0)
      {
        const char *path = strchr (l + n, ':');
        if (path == NULL)
          return NULL;
        path++;
        return strndup (path, strcspn (path, "\n"));
      }
  return NULL;
}

/* In every hierarchy, the task's cgroup is the container's or below it:
 * an image naming cgroups elsewhere would put the task out of the limits. */
static int
check_cgroups (const struct expected *e, int taskdir, const char *tid, const char *who, casing_error_t *err)
{
  cleanup_free char *path = NULL, *text = NULL;
  char *save = NULL;
  size_t len;

  xasprintf (&path, "%s/cgroup", tid);
  if (read_file_at (taskdir, path, &text, &len, err) < 0)
    return -1;
  for (char *l = strtok_r (text, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *colon = strchr (l, ':'), *cg = colon ? strchr (colon + 1, ':') : NULL;
      cleanup_free char *hid = NULL, *want = NULL;
      size_t n;
      if (cg == NULL)
        continue;
      hid = strndup (l, (size_t) (colon - l) + 1);
      want = cgroup_of (e->cgroups, hid);
      cg++;
      n = want ? strlen (want) : 0;
      if (want == NULL || strcmp (want, "/") == 0)
        continue;
      if (strncmp (cg, want, n) != 0 || (cg[n] != '\0' && cg[n] != '/'))
        return casing_error_set (err, EPERM, "restored %s is in cgroup `%s`, outside the container's `%s`",
                                 who, cg, want);
    }
  return 0;
}

/* The restored tree runs while it is checked (criu_verify_creds): a
 * process or thread that exits meanwhile is gone, not a failure; what
 * remains was checked.  Gone means its /proc directory is gone too, else
 * the error stands (a missing file of a live task is no excuse). */
static bool
vanished (const struct expected *e, int dirfd, const char *name, casing_error_t *err)
{
  if (!e->creds || *err == NULL || ((*err)->status != ENOENT && (*err)->status != ESRCH))
    return false;
  if (faccessat (dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
    return false;
  casing_error_release (err);
  return true;
}

/* Every thread of `pid`; its children are appended to *queue. */
static int
check_task (const struct expected *e, pid_t pid, int own_ns, pid_t **queue, size_t *n, casing_error_t *err)
{
  cleanup_free char *dir = NULL;
  cleanup_close int taskdir = -1;
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (!e->creds && check_namespaces (e, pid, own_ns, err) < 0)
    return -1;
  xasprintf (&dir, "%d/task", (int) pid);
  taskdir = procfs_open_verified (dir, O_RDONLY | O_DIRECTORY, err);
  if (taskdir < 0)
    return -1;
  d = fdopendir (dup (taskdir));
  if (d == NULL)
    return casing_error_errno (err, "list /proc/%s", dir);
  while ((de = readdir (d)) != NULL)
    {
      cleanup_free char *who = NULL, *children = NULL, *cpath = NULL;
      size_t len;
      if (de->d_name[0] == '.')
        continue;
      xasprintf (&who, "process %d (thread %s)", (int) pid, de->d_name);
      if (e->creds && (check_status (e, taskdir, de->d_name, who, err) < 0
                       || check_labels (e, taskdir, de->d_name, who, err) < 0))
        {
          if (vanished (e, taskdir, de->d_name, err))
            continue;
          return -1;
        }
      if (!e->creds && check_cgroups (e, taskdir, de->d_name, who, err) < 0)
        return -1;
      xasprintf (&cpath, "%s/children", de->d_name);
      if (read_file_at (taskdir, cpath, &children, &len, NULL) < 0)
        continue;
      for (char *p = children, *end; *p; p = end)
        {
          long c = strtol (p, &end, 10);
          if (end == p)
            break;
          *queue = xrealloc (*queue, (*n + 1) * sizeof (pid_t));
          (*queue)[(*n)++] = (pid_t) c;
        }
    }
  return 0;
}

static const char *
lsm_expected (const char *override, const char *type, const char *from_config)
{
  size_t n = strlen (type);
  if (override && strncmp (override, type, n) == 0 && override[n] == ':')
    return override + n + 1;
  return from_config && *from_config ? from_config : NULL;
}

int
criu_confinement (const oci_config *c, bool *nnp, bool *seccomp, casing_error_t *err)
{
  struct seccomp_program *prog = NULL;

  *nnp = c->process->has_no_new_privileges && c->process->no_new_privileges;
  *seccomp = false;
  if (c->linux_ && c->linux_->seccomp)
    {
      /* What `create` would load: none for a filter allowing everything. */
      if (seccomp_prepare (c->linux_->seccomp, &prog, err) < 0)
        return -1;
      *seccomp = prog != NULL;
      if (prog)
        seccomp_program_free (prog);
    }
  return 0;
}

static int
expected_from_config (const oci_config *c, const char *lsm_override, struct expected *e, casing_error_t *err)
{
  const oci_process *p = c->process;

  memset (e, 0, sizeof *e);
  e->config = c;
  if (p->capabilities && caps_parse (p->capabilities, &e->caps, err) < 0)
    return -1;
  if (criu_confinement (c, &e->no_new_privs, &e->seccomp, err) < 0)
    return -1;
  e->apparmor = lsm_expected (lsm_override, "apparmor", p->apparmor_profile);
  e->selinux = lsm_expected (lsm_override, "selinux", p->selinux_label);
  return 0;
}

static int
walk_tree (struct expected *e, pid_t root_task, casing_error_t *err)
{
  cleanup_close int own_ns = procfs_open_verified ("thread-self/ns", O_PATH | O_DIRECTORY, err);
  cleanup_free pid_t *queue = NULL;
  size_t n = 0;

  if (own_ns < 0)
    return -1;
  queue = xmalloc0 (sizeof (pid_t));
  queue[n++] = root_task;
  /* The queue grows while it is walked: every task of the tree once.  A
   * child that exited meanwhile is skipped; the root task must be there. */
  for (size_t i = 0; i < n; i++)
    if (check_task (e, queue[i], own_ns, &queue, &n, err) < 0)
      {
        char pid[16];
        /* check_task opened PID/task there: the handle of our pids. */
        int proc = procfs_root_if_open ();
        snprintf (pid, sizeof pid, "%d", (int) queue[i]);
        if (i == 0 || proc < 0 || !vanished (e, proc, pid, err))
          return -1;
      }
  return 0;
}

int
criu_verify_placement (const oci_config *config, const char *cgroups, pid_t criu, pid_t root_task,
                       casing_error_t *err)
{
  cleanup_free char *dir = NULL;
  cleanup_close int criu_ns = -1;
  struct expected e;

  xasprintf (&dir, "%d/ns", (int) criu);
  criu_ns = procfs_open_verified (dir, O_PATH | O_DIRECTORY, err);
  if (criu_ns < 0 || expected_from_config (config, NULL, &e, err) < 0)
    return casing_error_prefix (err, "check the restored container");
  e.cgroups = cgroups;
  e.criu_ns = criu_ns;
  if (walk_tree (&e, root_task, err) < 0)
    return casing_error_prefix (err, "the checkpoint is refused");
  return 0;
}

int
criu_verify_creds (const oci_config *config, const char *lsm_override, pid_t root_task, casing_error_t *err)
{
  struct expected e;

  if (expected_from_config (config, lsm_override, &e, err) < 0)
    return casing_error_prefix (err, "check the restored container");
  e.creds = true;
  e.criu_ns = -1;
  if (walk_tree (&e, root_task, err) < 0)
    return casing_error_prefix (err, "the restored container is refused");
  return 0;
}
