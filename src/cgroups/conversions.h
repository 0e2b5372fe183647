/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure conversions from OCI values to what cgroup files take, and back from
 * what they show: no I/O, all unit-tested in
 * tests/unit/test_cgroups_conversions.c. */
#ifndef CASING_CGROUP_CONVERSIONS_H
#define CASING_CGROUP_CONVERSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* cpu.shares (2..262144, v1) to cpu.weight (1..10000, v2), linearly as runc
 * and crun map them; 0 stays 0 (unset). */
uint64_t cgroup_shares_to_weight (uint64_t shares);
/* blkio.weight (10..1000) to io.weight (1..10000); 0 stays 0. */
uint64_t cgroup_blkio_weight_to_io_weight (uint64_t weight);

/* memory.swap.max from the OCI swap (memory+swap, as v1 counts it) and the
 * memory limit: swap - limit, -1 for "max".  Returns 1 with *out set, 0 when
 * there is nothing to write (swap 0 means unset, like runc), < 0 on a
 * combination v2 cannot express. */
int cgroup_swap_to_v2 (int64_t limit, int64_t swap, int64_t *out, casing_error_t *err);

/* "max" for a negative value (v2 spelling of unlimited), else the number. */
void cgroup_v2_limit_str (int64_t v, char *buf, size_t len);

/* cpu.max: "<quota|max> [period]".  quota <= 0 means unlimited.  When only
 * the period changes pass has_quota=false and the current quota. */
void cgroup_cpu_max_str (bool has_quota, int64_t quota, bool has_period, uint64_t period, char *buf, size_t len);

enum cgroup_throttle
{
  CGROUP_THROTTLE_READ_BPS,
  CGROUP_THROTTLE_WRITE_BPS,
  CGROUP_THROTTLE_READ_IOPS,
  CGROUP_THROTTLE_WRITE_IOPS,
};
/* One io.max line: "8:0 rbps=1048576"; rate 0 means no limit ("max"). */
void cgroup_io_max_line (enum cgroup_throttle kind, int64_t major, int64_t minor, uint64_t rate, char *buf,
                         size_t len);
/* The v1 file for a throttle kind, e.g. "blkio.throttle.read_bps_device". */
const char *cgroup_blkio_throttle_file (enum cgroup_throttle kind);

/* "2MB" -> 2097152 (powers of 1024, as the spec says); -1 if malformed. */
int cgroup_hugepage_size_parse (const char *s, uint64_t *bytes);

/* A CPU or memory-node list as cpuset.cpus and cpuset.mems show it
 * ("0-3,5\n") to its numbers in *out (malloc'd, *n of them).  Blanks around
 * the list are ignored and an empty list gives *n = 0.  Numbers run from 0 to
 * 65535 (runc reports them as uint16) and ascend without repeats, as the
 * kernel prints them; anything else fails with EINVAL and leaves *out NULL. */
int cgroup_cpuset_list_parse (const char *s, uint16_t **out, size_t *n, casing_error_t *err);

#endif
