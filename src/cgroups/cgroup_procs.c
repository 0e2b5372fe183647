/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The processes of a container: listing (`ps`) and signalling (`kill --all`,
 * `delete --force`).  Both walk the container's cgroup and every child
 * cgroup the container made below it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "core/utils.h"

struct cgroup_dir *
cgroup_manager_main_dir (struct cgroup_manager *m)
{
  struct cgroup_dir *d = NULL;
  if (m->host.mode == CGROUP_MODE_V2)
    d = cgroup_manager_v2_dir (m);
  if (d == NULL)
    d = cgroup_manager_dir_for (m, "freezer");
  if (d == NULL)
    d = cgroup_manager_dir_for (m, "pids");
  if (d == NULL && m->n_dirs > 0)
    d = &m->dirs[0];
  return d;
}

static void
add_pids_from (const char *text, pid_t **pids, size_t *n)
{
  char *save = NULL;
  cleanup_free char *copy = xstrdup (text);
  for (char *l = strtok_r (copy, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      int64_t v;
      if (parse_int64 (l, &v) < 0 || v <= 0)
        continue;
      *pids = xrealloc (*pids, (*n + 1) * sizeof (pid_t));
      (*pids)[(*n)++] = (pid_t) v;
    }
}

struct pid_list
{
  pid_t **pids;
  size_t *n;
};

static int collect (int dfd, const char *full, struct pid_list *l, casing_error_t *err);

static int
collect_child (int dfd, const char *name, int sub, const char *subfull, void *data, casing_error_t *err)
{
  (void) dfd;
  if (name[0] == '.' || sub < 0) /* sub < 0: removed meanwhile */
    return 0;
  return collect (sub, subfull, data, err);
}

static int
collect (int dfd, const char *full, struct pid_list *l, casing_error_t *err)
{
  cleanup_free char *procs = NULL;
  if (read_file_at (dfd, "cgroup.procs", &procs, NULL, err) < 0)
    return casing_error_prefix (err, "cgroup `%s`", full);
  add_pids_from (procs, l->pids, l->n);
  return cgroup_for_each_child (dfd, full, collect_child, l, err);
}

int
cgroup_manager_pids (struct cgroup_manager *m, pid_t **pids, size_t *n, casing_error_t *err)
{
  struct cgroup_dir *d = cgroup_manager_main_dir (m);
  struct pid_list l = { pids, n };

  *pids = NULL;
  *n = 0;
  if (cgroup_manager_need (m, "list the processes", err) < 0)
    return -1;
  if (d == NULL || d->fd < 0)
    return casing_error_set (err, ENOENT, "the cgroup of `%s` does not exist", m->id);
  if (collect (d->fd, d->full, &l, err) < 0)
    {
      free (*pids);
      *pids = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}

static int
signal_all (struct cgroup_manager *m, int signo, casing_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (cgroup_manager_pids (m, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], signo) < 0 && errno != ESRCH)
      return casing_error_errno (err, "kill %d", (int) pids[i]);
  return 0;
}

static bool
cgroup_is_empty (struct cgroup_manager *m)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;

  return cgroup_manager_pids (m, &pids, &n, NULL) == 0 && n == 0;
}

int
cgroup_manager_kill_all (struct cgroup_manager *m, int signo, casing_error_t *err)
{
  struct cgroup_dir *v2 = cgroup_manager_v2_dir (m);
  bool frozen = false;

  if (cgroup_manager_need (m, "signal every process", err) < 0)
    return -1;
  /* cgroup.kill (Linux 5.14) kills the whole subtree atomically, forks
   * included. */
  if (signo == SIGKILL && m->host.mode == CGROUP_MODE_V2 && v2 && v2->fd >= 0
      && cgroup_dir_has_file (v2, "cgroup.kill"))
    return cgroup_dir_write (v2, "cgroup.kill", "1", err);

  /* An empty cgroup (the usual case at delete) has nothing to freeze:
   * nothing inside it can fork a new member either. */
  if (cgroup_is_empty (m))
    return 0;
  /* Otherwise freeze first so nothing forks between listing and killing;
   * a container the user paused stays paused for other signals. */
  if (cgroup_manager_is_frozen (m, &frozen, err) < 0)
    {
      casing_error_release (err);
      return signal_all (m, signo, err);
    }
  if (!frozen && cgroup_manager_freeze (m, true, err) < 0)
    {
      casing_error_release (err);
      return signal_all (m, signo, err);
    }
  int ret = signal_all (m, signo, err);
  /* A frozen task handles its signal (SIGKILL included on v1) once thawed. */
  if (!frozen || signo == SIGKILL)
    {
      cleanup_casing_error casing_error_t thaw_err = NULL;
      if (cgroup_manager_freeze (m, false, ret < 0 ? &thaw_err : err) < 0 && ret == 0)
        ret = -1;
    }
  return ret;
}
