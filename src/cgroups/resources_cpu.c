/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.cpu: the cpu controller (shares/weight, CFS quota, burst,
 * realtime, idle) and cpuset (cpus, mems). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "conversions.h"
#include "core/utils.h"

#define FIELD "linux.resources.cpu"

static int
write_num (struct cgroup_dir *d, const char *file, const char *field, int64_t v, casing_error_t *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRId64, v);
  if (cgroup_dir_write (d, file, buf, err) < 0)
    return casing_error_prefix (err, FIELD ".%s", field);
  return 0;
}

static int
apply_v1 (struct cgroup_dir *d, const oci_cpu *cpu, casing_error_t *err)
{
  if (cpu->has_shares && cpu->shares && write_num (d, "cpu.shares", "shares", (int64_t) cpu->shares, err) < 0)
    return -1;
  if (cpu->has_period && cpu->period && write_num (d, "cpu.cfs_period_us", "period", (int64_t) cpu->period, err) < 0)
    return -1;
  if (cpu->has_quota && write_num (d, "cpu.cfs_quota_us", "quota", cpu->quota <= 0 ? -1 : cpu->quota, err) < 0)
    return -1;
  if (cpu->has_burst && write_num (d, "cpu.cfs_burst_us", "burst", (int64_t) cpu->burst, err) < 0)
    return -1;
  /* The period first: a runtime is checked against the current period. */
  if (cpu->has_realtime_period && cpu->realtime_period
      && write_num (d, "cpu.rt_period_us", "realtimePeriod", (int64_t) cpu->realtime_period, err) < 0)
    return -1;
  if (cpu->has_realtime_runtime
      && write_num (d, "cpu.rt_runtime_us", "realtimeRuntime", cpu->realtime_runtime, err) < 0)
    return -1;
  if (cpu->has_idle && write_num (d, "cpu.idle", "idle", cpu->idle, err) < 0)
    return -1;
  return 0;
}

/* Keep the current quota when only the period changes (`update --cpu-period`). */
static int
write_cpu_max (struct cgroup_dir *d, const oci_cpu *cpu, casing_error_t *err)
{
  char buf[64];
  bool has_quota = cpu->has_quota;
  int64_t quota = cpu->quota;
  if (!has_quota)
    {
      cleanup_free char *cur = NULL;
      if (cgroup_dir_read (d, "cpu.max", &cur, err) < 0)
        return -1;
      has_quota = parse_int64 (strtok (cur, " \n"), &quota) == 0;
    }
  cgroup_cpu_max_str (has_quota, quota, cpu->has_period, cpu->period, buf, sizeof buf);
  if (cgroup_dir_write (d, "cpu.max", buf, err) < 0)
    return casing_error_prefix (err, FIELD ".quota/period");
  return 0;
}

static int
apply_v2 (struct cgroup_dir *d, const oci_cpu *cpu, casing_error_t *err)
{
  if (cpu->has_shares && cpu->shares
      && write_num (d, "cpu.weight", "shares", (int64_t) cgroup_shares_to_weight (cpu->shares), err) < 0)
    return -1;
  if ((cpu->has_quota || (cpu->has_period && cpu->period)) && write_cpu_max (d, cpu, err) < 0)
    return -1;
  if (cpu->has_burst && write_num (d, "cpu.max.burst", "burst", (int64_t) cpu->burst, err) < 0)
    return -1;
  if ((cpu->has_realtime_runtime && cpu->realtime_runtime) || (cpu->has_realtime_period && cpu->realtime_period))
    return casing_error_set (err, ENOTSUP, FIELD ".realtimeRuntime/realtimePeriod: not supported on cgroup v2");
  if (cpu->has_idle && write_num (d, "cpu.idle", "idle", cpu->idle, err) < 0)
    return -1;
  return 0;
}

static bool
cpu_fields_set (const oci_cpu *cpu)
{
  return (cpu->has_shares && cpu->shares) || cpu->has_quota || (cpu->has_period && cpu->period) || cpu->has_burst
         || cpu->has_realtime_runtime || (cpu->has_realtime_period && cpu->realtime_period) || cpu->has_idle;
}

int
cgroup_apply_cpu (struct cgroup_manager *m, const oci_cpu *cpu, casing_error_t *err)
{
  if (cpu == NULL || !cpu_fields_set (cpu))
    return 0;
  if (cpu->has_quota && cpu->quota > 0 && cpu->has_burst && cpu->burst > (uint64_t) cpu->quota)
    return casing_error_set (err, EINVAL, FIELD ".burst: %" PRIu64 " is larger than quota %" PRId64, cpu->burst,
                             cpu->quota);
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "cpu");
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, FIELD ": the cpu controller is not available on this host");
  return cgroup_dir_is_v2 (d) ? apply_v2 (d, cpu, err) : apply_v1 (d, cpu, err);
}

int
cgroup_apply_cpuset (struct cgroup_manager *m, const oci_cpu *cpu, casing_error_t *err)
{
  if (cpu == NULL || (cpu->cpus == NULL && cpu->mems == NULL))
    return 0;
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "cpuset");
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, FIELD ".cpus/mems: the cpuset controller is not available on this host");
  if (cpu->cpus && *cpu->cpus && cgroup_dir_write (d, "cpuset.cpus", cpu->cpus, err) < 0)
    return casing_error_prefix (err, FIELD ".cpus");
  if (cpu->mems && *cpu->mems && cgroup_dir_write (d, "cpuset.mems", cpu->mems, err) < 0)
    return casing_error_prefix (err, FIELD ".mems");
  return 0;
}

static int
copy_from_parent (int dirfd, const char *file, casing_error_t *err)
{
  cleanup_free char *cur = NULL;
  cleanup_free char *parent = NULL;
  cleanup_close int pfd = openat (dirfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return casing_error_errno (err, "open parent cgroup");
  if (read_file_at (dirfd, file, &cur, NULL, err) < 0 || read_file_at (pfd, file, &parent, NULL, err) < 0)
    return -1;
  if (strspn (cur, " \n") != strlen (cur) || strspn (parent, " \n") == strlen (parent))
    return 0;
  return write_file_at (dirfd, file, parent, strlen (parent), err);
}

int
cgroup_v1_cpuset_init_at (int dirfd, casing_error_t *err)
{
  if (copy_from_parent (dirfd, "cpuset.cpus", err) < 0 || copy_from_parent (dirfd, "cpuset.mems", err) < 0)
    return -1;
  return 0;
}
