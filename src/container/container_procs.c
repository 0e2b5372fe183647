/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The processes of a container, for `ps` and `kill --all`: those of its
 * cgroup, or, for a container without one (--cgroup-manager disabled), the
 * processes of its pid namespace (only its init when it shares ours). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "core/utils.h"
#include "container.h"
#include "state_store.h"

static int
pidns_of (pid_t pid, struct stat *st)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/pid", (int) pid);
  return stat (path, st);
}

static bool
same_ns (const struct stat *a, const struct stat *b)
{
  return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

static void
add_pid (pid_t **pids, size_t *n, pid_t pid)
{
  *pids = xrealloc (*pids, (*n + 1) * sizeof (pid_t));
  (*pids)[(*n)++] = pid;
}

/* Every process whose pid namespace is the init's; the init alone when
 * that namespace is ours (it has none of its own). */
static int
pidns_members (pid_t init, pid_t **pids, size_t *n, casing_error_t *err)
{
  struct stat theirs, ours, st;
  cleanup_dir DIR *proc = NULL;
  struct dirent *de;

  if (pidns_of (init, &theirs) < 0)
    return casing_error_errno (err, "the pid namespace of process %d", (int) init);
  if (stat ("/proc/self/ns/pid", &ours) < 0)
    return casing_error_errno (err, "our pid namespace");
  if (same_ns (&theirs, &ours))
    {
      add_pid (pids, n, init);
      return 0;
    }
  proc = opendir ("/proc");
  if (proc == NULL)
    return casing_error_errno (err, "open /proc");
  while ((de = readdir (proc)) != NULL)
    {
      int64_t v;
      if (parse_int64 (de->d_name, &v) < 0 || v <= 0 || v > INT32_MAX)
        continue;
      if (pidns_of ((pid_t) v, &st) == 0 && same_ns (&st, &theirs))
        add_pid (pids, n, (pid_t) v);
    }
  return 0;
}

/* The init, checked to be the container's (its recorded start time). */
static int
init_pid (const struct container_handle *h, pid_t *pid, casing_error_t *err)
{
  cleanup_close int pidfd = container_pidfd_open (h, err);

  if (pidfd < 0)
    return -1;
  *pid = (pid_t) h->state->pid;
  return 0;
}

int
container_processes (const struct container_handle *h, pid_t **pids, size_t *n, casing_error_t *err)
{
  struct cgroup_manager *m = NULL;
  pid_t init;
  int r;

  *pids = NULL;
  *n = 0;
  if (cgroup_manager_load (h->state, &m, err) < 0)
    return -1;
  if (!cgroup_manager_disabled (m))
    r = cgroup_manager_pids (m, pids, n, err);
  else
    r = init_pid (h, &init, err) < 0 ? -1 : pidns_members (init, pids, n, err);
  cgroup_manager_free (m);
  return r;
}

/* Without a cgroup nothing stops a fork between listing and signalling:
 * each process is pinned with a pidfd and checked to be in the container's
 * pid namespace still (its pid may have been reused meanwhile). */
static int
signal_members (pid_t init, int signo, casing_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  struct stat theirs, st;
  size_t n = 0;

  if (pidns_of (init, &theirs) < 0)
    return casing_error_errno (err, "the pid namespace of process %d", (int) init);
  if (pidns_members (init, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_close int pidfd = pidfd_open (pids[i], 0);
      if (pidfd < 0 || pidns_of (pids[i], &st) < 0 || !same_ns (&st, &theirs))
        continue;
      if (pidfd_send_signal (pidfd, signo, NULL, 0) < 0 && errno != ESRCH)
        return casing_error_errno (err, "signal process %d", (int) pids[i]);
    }
  return 0;
}

int
container_signal_all (const struct container_handle *h, int signo, casing_error_t *err)
{
  struct cgroup_manager *m = NULL;
  pid_t init;
  int r;

  if (cgroup_manager_load (h->state, &m, err) < 0)
    return -1;
  if (!cgroup_manager_disabled (m))
    r = cgroup_manager_kill_all (m, signo, err);
  else
    r = init_pid (h, &init, err) < 0 ? -1 : signal_members (init, signo, err);
  cgroup_manager_free (m);
  return r;
}
