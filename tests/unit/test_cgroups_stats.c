/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `events --stats` JSON from fake cgroup directories (plain files in a
 * temporary directory), so the v1 and v2 layouts are both checked on any
 * host: for now the cpuset section, in runc's field order. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroups/cgroup_internal.h"
#include "unit_test.h"
#include "core/utils.h"

struct fake
{
  char dir[64];
  char *controllers[1];
  struct cgroup_hierarchy h;
  struct cgroup_dir d;
  struct cgroup_manager m;
};

static void
fake_init (struct fake *f, bool v2, const char *controller)
{
  memset (f, 0, sizeof *f);
  snprintf (f->dir, sizeof f->dir, "/tmp/casing-stats-XXXXXX");
  if (mkdtemp (f->dir) == NULL)
    abort ();
  f->controllers[0] = (char *) controller;
  f->h = (struct cgroup_hierarchy){ .mountpoint = f->dir, .root = (char *) "/", .controllers = f->controllers,
                                    .n_controllers = 1, .v2 = v2 };
  f->d = (struct cgroup_dir){ .h = &f->h, .path = (char *) "/", .full = f->dir,
                              .fd = open (f->dir, O_PATH | O_DIRECTORY | O_CLOEXEC) };
  f->m = (struct cgroup_manager){ .id = (char *) "fake", .dirs = &f->d, .n_dirs = 1,
                                  .host = { .mode = v2 ? CGROUP_MODE_V2 : CGROUP_MODE_V1, .h = &f->h, .n = 1,
                                            .v2 = v2 ? 0 : -1 } };
}

static void
fake_file (struct fake *f, const char *name, const char *text)
{
  char path[128];
  snprintf (path, sizeof path, "%s/%s", f->dir, name);
  FILE *fp = fopen (path, "w");
  if (fp == NULL)
    abort ();
  fputs (text, fp);
  fclose (fp);
}

static void
fake_free (struct fake *f)
{
  DIR *dir = opendir (f->dir);
  struct dirent *de;
  while (dir && (de = readdir (dir)))
    if (de->d_name[0] != '.')
      unlinkat (dirfd (dir), de->d_name, 0);
  if (dir)
    closedir (dir);
  close (f->d.fd);
  CHECK (rmdir (f->dir) == 0);
}

/* The "cpuset":{...} part of the stats JSON, or NULL. */
static char *
cpuset_section (struct fake *f)
{
  casing_error_t err = NULL;
  cleanup_free char *json = cgroup_manager_stats_json (&f->m, &err);
  casing_error_release (&err);
  char *p = json ? strstr (json, ",\"cpuset\":{") : NULL;
  if (p == NULL)
    return NULL;
  p++;
  return strndup (p, strcspn (p, "}") + 1);
}

#define CHECK_CPUSET(f, want)                                                            \
  do                                                                                     \
    {                                                                                    \
      char *_s = cpuset_section (f);                                                     \
      CHECK_STR (_s, (want));                                                            \
      free (_s);                                                                         \
    }                                                                                    \
  while (0)

static void
test_v1 (void)
{
  struct fake f;
  fake_init (&f, false, "cpuset");
  fake_file (&f, "cpuset.cpus", "0-2,4\n");
  fake_file (&f, "cpuset.mems", "0-1\n");
  fake_file (&f, "cpuset.cpu_exclusive", "1\n");
  fake_file (&f, "cpuset.mem_hardwall", "1\n");
  fake_file (&f, "cpuset.mem_exclusive", "0\n");
  fake_file (&f, "cpuset.memory_migrate", "1\n");
  fake_file (&f, "cpuset.memory_spread_page", "0\n");
  fake_file (&f, "cpuset.memory_spread_slab", "1\n");
  fake_file (&f, "cpuset.memory_pressure", "42\n");
  fake_file (&f, "cpuset.sched_load_balance", "1\n");
  fake_file (&f, "cpuset.sched_relax_domain_level", "-1\n");
  /* not read: runc reports cpuset.cpus, not the effective list, on v1 */
  fake_file (&f, "cpuset.effective_cpus", "7\n");
  CHECK_CPUSET (&f, "\"cpuset\":{\"cpus\":[0,1,2,4],\"cpu_exclusive\":1,\"mems\":[0,1],\"mem_hardwall\":1,"
                    "\"mem_exclusive\":0,\"memory_migrate\":1,\"memory_spread_page\":0,\"memory_spread_slab\":1,"
                    "\"memory_pressure\":42,\"sched_load_balance\":1,\"sched_relax_domain_level\":-1}");
  /* an empty or malformed list is left out, as runc leaves out an empty one */
  fake_file (&f, "cpuset.cpus", "\n");
  fake_file (&f, "cpuset.mems", "0-x\n");
  CHECK_CPUSET (&f, "\"cpuset\":{\"cpu_exclusive\":1,\"mem_hardwall\":1,"
                    "\"mem_exclusive\":0,\"memory_migrate\":1,\"memory_spread_page\":0,\"memory_spread_slab\":1,"
                    "\"memory_pressure\":42,\"sched_load_balance\":1,\"sched_relax_domain_level\":-1}");
  fake_free (&f);
}

static void
test_v2 (void)
{
  struct fake f;
  fake_init (&f, true, "cpuset");
  fake_file (&f, "cpuset.cpus", "\n"); /* not set: the parent's CPUs apply */
  fake_file (&f, "cpuset.cpus.effective", "0-3\n");
  fake_file (&f, "cpuset.mems", "\n");
  fake_file (&f, "cpuset.mems.effective", "0\n");
  CHECK_CPUSET (&f, "\"cpuset\":{\"cpus\":[0,1,2,3],\"cpu_exclusive\":0,\"mems\":[0],\"mem_hardwall\":0,"
                    "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
                    "\"memory_pressure\":0,\"sched_load_balance\":0,\"sched_relax_domain_level\":0}");
  fake_free (&f);
}

static void
test_no_cpuset_controller (void)
{
  struct fake f;
  fake_init (&f, false, "pids");
  fake_file (&f, "cpuset.cpus", "0\n"); /* not a cpuset hierarchy: not read */
  CHECK_CPUSET (&f, "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,"
                    "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
                    "\"memory_pressure\":0,\"sched_load_balance\":0,\"sched_relax_domain_level\":0}");
  fake_free (&f);
}

int
main (void)
{
  UNIT_RUN (test_v1 ());
  UNIT_RUN (test_v2 ());
  UNIT_RUN (test_no_cpuset_controller ());
  return unit_done ("test_cgroups_stats");
}
