/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroupfs manager against the real kernel, without the container
 * lifecycle: create, enter a forked child, apply and read back, freeze,
 * save/load, update, destroy, and nothing left in any hierarchy.
 * Needs root; skipped (77) otherwise. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup_internal.h"
#include "unit_test.h"
#include "core/utils.h"

static char *
read_back (struct cgroup_manager *m, const char *controller, const char *file)
{
  casing_error_t err = NULL;
  char *s = NULL;
  struct cgroup_dir *d = cgroup_manager_dir_for (m, controller);
  if (d == NULL || cgroup_dir_read (d, file, &s, &err) < 0)
    {
      casing_error_release (&err);
      return xstrdup ("(missing)");
    }
  s[strcspn (s, "\n")] = '\0';
  return s;
}

#define CHECK_FILE(m, ctrl, file, want)                                                  \
  do                                                                                     \
    {                                                                                    \
      char *_v = read_back ((m), (ctrl), (file));                                        \
      CHECK_STR (_v, (want));                                                            \
      free (_v);                                                                         \
    }                                                                                    \
  while (0)

static void
check_resources (struct cgroup_manager *m)
{
  bool v2mem = cgroup_dir_is_v2 (cgroup_manager_dir_for (m, "memory"));
  CHECK_FILE (m, "memory", v2mem ? "memory.max" : "memory.limit_in_bytes", "67108864");
  CHECK_FILE (m, "pids", "pids.max", "50");
  if (cgroup_dir_is_v2 (cgroup_manager_dir_for (m, "cpu")))
    {
      CHECK_FILE (m, "cpu", "cpu.weight", "20");
      CHECK_FILE (m, "cpu", "cpu.max", "50000 100000");
    }
  else
    {
      CHECK_FILE (m, "cpu", "cpu.shares", "512");
      CHECK_FILE (m, "cpu", "cpu.cfs_quota_us", "50000");
    }
  CHECK_FILE (m, "cpuset", "cpuset.cpus", "0");
  struct cgroup_dir *h = cgroup_manager_dir_for (m, "hugetlb");
  if (h && cgroup_dir_has_file (h, cgroup_dir_is_v2 (h) ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes"))
    CHECK_FILE (m, "hugetlb", cgroup_dir_is_v2 (h) ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes", "4194304");
  struct cgroup_dir *dev = cgroup_manager_dir_for (m, "devices");
  if (dev && !cgroup_dir_is_v2 (dev))
    {
      char *list = NULL;
      casing_error_t err = NULL;
      CHECK (cgroup_dir_read (dev, "devices.list", &list, &err) == 0);
      CHECK (list && strstr (list, "c 1:3 rwm") && !strstr (list, "a *:* rwm"));
      free (list);
    }
}

static oci_resources *
test_resources (void)
{
  static oci_memory mem = { .has_limit = true, .limit = 64 << 20 };
  static oci_cpu cpu = { .has_shares = true, .shares = 512, .has_quota = true, .quota = 50000,
                         .has_period = true, .period = 100000, .cpus = (char *) "0" };
  static oci_pids pids = { .limit = 50 };
  static oci_hugepage_limit huge = { .page_size = (char *) "2MB", .limit = 4 << 20 };
  static oci_resources r;
  r.memory = &mem;
  r.cpu = &cpu;
  r.pids = &pids;
  r.hugepage_limits = &huge;
  r.hugepage_limits_len = access ("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0 ? 1 : 0;
  return &r;
}

static void
check_gone (char **dirs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      CHECK (stat (dirs[i], &st) < 0 && errno == ENOENT);
      if (stat (dirs[i], &st) == 0)
        fprintf (stderr, "left behind: %s\n", dirs[i]);
      free (dirs[i]);
    }
  free (dirs);
}

static void
freeze_and_update (struct cgroup_manager *m)
{
  casing_error_t err = NULL;
  bool frozen = false;
  CHECK (cgroup_manager_freeze (m, true, &err) == 0);
  CHECK (cgroup_manager_is_frozen (m, &frozen, &err) == 0 && frozen);
  CHECK (cgroup_manager_freeze (m, false, &err) == 0);
  CHECK (cgroup_manager_is_frozen (m, &frozen, &err) == 0 && !frozen);
  oci_memory mem = { .has_limit = true, .limit = 128 << 20 };
  oci_pids pids = { .limit = -1 };
  oci_resources up = { .memory = &mem, .pids = &pids };
  CHECK (cgroup_manager_update (m, &up, &err) == 0);
  bool v2mem = cgroup_dir_is_v2 (cgroup_manager_dir_for (m, "memory"));
  CHECK_FILE (m, "memory", v2mem ? "memory.max" : "memory.limit_in_bytes", "134217728");
  CHECK_FILE (m, "pids", "pids.max", "max");
  if (err)
    fprintf (stderr, "error: %s\n", err->msg);
  casing_error_release (&err);
}

static void
test_lifecycle (void)
{
  casing_error_t err = NULL;
  char id[64];
  snprintf (id, sizeof id, "casing-unit-%d", (int) getpid ());
  struct cgroup_options opts = { .id = id };
  struct cgroup_manager *m = NULL;
  int pfd[2];

  CHECK (pipe (pfd) == 0);
  CHECK (cgroup_manager_create (&opts, NULL, &m, &err) == 0);
  if (m == NULL)
    {
      fprintf (stderr, "create: %s\n", err->msg);
      return;
    }
  pid_t pid = fork ();
  if (pid == 0)
    {
      char c;
      close (pfd[1]);
      while (read (pfd[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  close (pfd[0]);
  CHECK (cgroup_manager_enter (m, pid, &err) == 0);
  CHECK (cgroup_manager_apply (m, test_resources (), &err) == 0);
  if (err)
    fprintf (stderr, "apply: %s\n", err->msg);
  check_resources (m);

  /* What a later command sees. */
  casing_state st = { .id = id };
  CHECK (cgroup_manager_save (m, &st, &err) == 0);
  struct cgroup_manager *m2 = NULL;
  CHECK (cgroup_manager_load (&st, &m2, &err) == 0);
  CHECK (m2 && m2->n_dirs == m->n_dirs);
  pid_t *pids = NULL;
  size_t n = 0;
  CHECK (m2 && cgroup_manager_pids (m2, &pids, &n, &err) == 0 && n == 1 && pids[0] == pid);
  free (pids);
  if (m2)
    freeze_and_update (m2);

  char **dirs = xmalloc0 (m->n_dirs * sizeof (char *));
  size_t nd = m->n_dirs;
  for (size_t i = 0; i < nd; i++)
    dirs[i] = xstrdup (m->dirs[i].full);
  CHECK (m2 && cgroup_manager_destroy (m2, &err) == 0);
  if (err)
    fprintf (stderr, "destroy: %s\n", err->msg);
  int status = 0;
  CHECK (waitpid (pid, &status, 0) == pid && WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  close (pfd[1]);
  check_gone (dirs, nd);
  cgroup_manager_free (m2);
  cgroup_manager_free (m);
  free (st.cgroup_path);
  if (st.extra)
    {
      for (size_t i = 0; i < st.extra->len; i++)
        free (st.extra->items[i].key), free (st.extra->items[i].value);
      free (st.extra->items);
      free (st.extra);
    }
  casing_error_release (&err);
}

/* A refused config leaves nothing behind. */
static void
test_failed_create (void)
{
  casing_error_t err = NULL;
  struct cgroup_manager *m = NULL;
  struct cgroup_options opts = { .id = "x", .cgroups_path = "/casing-unit-fail/../../etc" };
  CHECK (cgroup_manager_create (&opts, NULL, &m, &err) < 0 && strstr (err->msg, "linux.cgroupsPath"));
  casing_error_release (&err);
  struct cgroup_options sd = { .id = "x", .systemd = true };
  CHECK (cgroup_manager_create (&sd, NULL, &m, &err) < 0 && strstr (err->msg, "systemd"));
  casing_error_release (&err);
  CHECK (access ("/sys/fs/cgroup/memory/casing-unit-fail", F_OK) < 0);
}

/* Every fd the walk opened and holds while it calls back (its own copy of
 * the directory included) is close-on-exec: a callback that spawns
 * anything leaks none.  Fds we inherited are not the walk's: left out. */
#define MAX_SEEN_FD 4096
static bool fd_before[MAX_SEEN_FD];

static void
note_open_fds (void)
{
  cleanup_dir DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;

  while (d && (de = readdir (d)))
    if (de->d_name[0] != '.' && atoi (de->d_name) != dirfd (d) && atoi (de->d_name) < MAX_SEEN_FD)
      fd_before[atoi (de->d_name)] = true;
}

static int
new_fds_all_cloexec (int dfd, const char *name, int sub, const char *subfull, void *data, casing_error_t *err)
{
  cleanup_dir DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;
  int *bad = data;

  (void) dfd, (void) name, (void) sub, (void) subfull, (void) err;
  while (d && (de = readdir (d)))
    {
      int fd = atoi (de->d_name), flags;
      if (de->d_name[0] == '.' || fd == dirfd (d) || (fd < MAX_SEEN_FD && fd_before[fd]))
        continue;
      flags = fcntl (fd, F_GETFD);
      if (flags >= 0 && !(flags & FD_CLOEXEC))
        {
          fprintf (stderr, "fd %d, opened by the walk, is not close-on-exec\n", fd);
          (*bad)++;
        }
    }
  return 0;
}

static void
test_walk_fds_cloexec (void)
{
  char dir[] = "/tmp/casing-walk-XXXXXX", sub[64];
  casing_error_t err = NULL;
  int dfd, bad = 0;

  CHECK (mkdtemp (dir) != NULL);
  snprintf (sub, sizeof sub, "%s/child", dir);
  CHECK (mkdir (sub, 0700) == 0);
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK (dfd >= 0);
  note_open_fds ();
  CHECK (cgroup_for_each_child (dfd, dir, new_fds_all_cloexec, &bad, &err) == 0);
  CHECK (bad == 0);
  close (dfd);
  rmdir (sub);
  rmdir (dir);
}

int
main (void)
{
  if (geteuid () != 0)
    return unit_skip_all ("test_cgroups_manager", "needs root");
  UNIT_RUN (test_lifecycle ());
  UNIT_RUN (test_failed_create ());
  UNIT_RUN (test_walk_fds_cloexec ());
  return unit_done ("test_cgroups_manager");
}
