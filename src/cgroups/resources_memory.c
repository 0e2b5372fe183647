/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.memory on the v1 memory controller or v2 memory.*. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "conversions.h"
#include "core/log.h"
#include "core/utils.h"

#define FIELD "linux.resources.memory"

static int
write_i64 (struct cgroup_dir *d, const char *file, int64_t v, const char *field, casing_error_t *err)
{
  char buf[32];
  if (cgroup_dir_is_v2 (d))
    cgroup_v2_limit_str (v, buf, sizeof buf);
  else
    snprintf (buf, sizeof buf, "%" PRId64, v < 0 ? (int64_t) -1 : v);
  if (cgroup_dir_write (d, file, buf, err) < 0)
    return casing_error_prefix (err, FIELD ".%s", field);
  return 0;
}

/* Read a counter or limit; "max" and v1's near-2^63 "unlimited" read as -1. */
static int
read_i64 (struct cgroup_dir *d, const char *file, int64_t *out, casing_error_t *err)
{
  cleanup_free char *s = NULL;
  uint64_t v;
  if (cgroup_dir_read (d, file, &s, err) < 0)
    return -1;
  s[strcspn (s, "\n")] = '\0';
  if (strcmp (s, "max") == 0 || parse_uint64 (s, &v) < 0 || v >= (UINT64_C (1) << 62))
    *out = -1;
  else
    *out = (int64_t) v;
  return 0;
}

/* The spec's checkBeforeUpdate: refuse a limit below what is used now
 * (v1's kernel refuses by itself, v2 would OOM-kill instead). */
static int
check_usage (struct cgroup_dir *d, int64_t limit, casing_error_t *err)
{
  int64_t usage;
  if (limit < 0 || read_i64 (d, cgroup_dir_is_v2 (d) ? "memory.current" : "memory.usage_in_bytes", &usage, err) < 0)
    return limit < 0 ? 0 : -1;
  if (usage > limit)
    return casing_error_set (err, EBUSY, FIELD ".limit: %" PRId64 " is below the current usage %" PRId64, limit,
                             usage);
  return 0;
}

/* Kernel memory limits are gone from recent kernels (the files stay, or
 * refuse writes): a warning, not an error, so old configs keep working. */
static void
write_optional_v1 (struct cgroup_dir *d, const char *file, int64_t v, const char *field)
{
  cleanup_casing_error casing_error_t e = NULL;
  if (!cgroup_dir_has_file (d, file))
    {
      log_warning (FIELD ".%s: not supported by this kernel, ignored", field);
      return;
    }
  if (write_i64 (d, file, v, field, &e) < 0)
    log_warning ("%s, ignored", e->msg);
}

static int
v1_limit_and_swap (struct cgroup_dir *d, const oci_memory *mem, casing_error_t *err)
{
  bool swap = mem->has_swap && mem->swap != 0;
  if (swap && !cgroup_dir_has_file (d, "memory.memsw.limit_in_bytes"))
    {
      if (mem->swap > 0)
        return casing_error_set (err, ENOTSUP, FIELD ".swap: swap accounting is off in this kernel");
      swap = false;
    }
  /* memsw must stay >= limit at every step: raise memsw first when it grows. */
  bool memsw_first = false;
  if (swap)
    {
      int64_t cur;
      if (read_i64 (d, "memory.memsw.limit_in_bytes", &cur, err) < 0)
        return -1;
      memsw_first = mem->swap < 0 || cur < 0 ? mem->swap < 0 : mem->swap > cur;
    }
  if (swap && memsw_first && write_i64 (d, "memory.memsw.limit_in_bytes", mem->swap, "swap", err) < 0)
    return -1;
  if (mem->has_limit && write_i64 (d, "memory.limit_in_bytes", mem->limit, "limit", err) < 0)
    return -1;
  if (swap && !memsw_first && write_i64 (d, "memory.memsw.limit_in_bytes", mem->swap, "swap", err) < 0)
    return -1;
  return 0;
}

static int
apply_v1 (struct cgroup_dir *d, const oci_memory *mem, casing_error_t *err)
{
  char buf[32];
  if (v1_limit_and_swap (d, mem, err) < 0)
    return -1;
  if (mem->has_reservation && write_i64 (d, "memory.soft_limit_in_bytes", mem->reservation, "reservation", err) < 0)
    return -1;
  if (mem->has_kernel)
    write_optional_v1 (d, "memory.kmem.limit_in_bytes", mem->kernel, "kernel");
  if (mem->has_kernel_tcp)
    write_optional_v1 (d, "memory.kmem.tcp.limit_in_bytes", mem->kernel_tcp, "kernelTCP");
  if (mem->has_swappiness)
    {
      if (mem->swappiness > 100)
        return casing_error_set (err, EINVAL, FIELD ".swappiness: %" PRIu64 " is not in 0..100", mem->swappiness);
      snprintf (buf, sizeof buf, "%" PRIu64, mem->swappiness);
      if (cgroup_dir_write (d, "memory.swappiness", buf, err) < 0)
        return casing_error_prefix (err, FIELD ".swappiness");
    }
  if (mem->has_disable_oom_killer && mem->disable_oom_killer
      && cgroup_dir_write (d, "memory.oom_control", "1", err) < 0)
    return casing_error_prefix (err, FIELD ".disableOOMKiller");
  if (mem->has_use_hierarchy)
    {
      cleanup_casing_error casing_error_t e = NULL;
      /* Since Linux 5.16 hierarchy is always on and writing 0 fails. */
      if (cgroup_dir_write (d, "memory.use_hierarchy", mem->use_hierarchy ? "1" : "0", &e) < 0)
        log_warning (FIELD ".useHierarchy: %s, ignored", e->msg);
    }
  return 0;
}

static int
apply_v2_swap (struct cgroup_dir *d, const oci_memory *mem, casing_error_t *err)
{
  int64_t limit = mem->has_limit ? mem->limit : -1, v2swap;
  if (!mem->has_limit && mem->swap > 0 && read_i64 (d, "memory.max", &limit, err) < 0)
    return -1;
  int r = cgroup_swap_to_v2 (limit, mem->swap, &v2swap, err);
  if (r <= 0)
    return r;
  if (!cgroup_dir_has_file (d, "memory.swap.max"))
    {
      if (v2swap < 0)
        return 0;
      return casing_error_set (err, ENOTSUP, FIELD ".swap: swap accounting is off in this kernel");
    }
  return write_i64 (d, "memory.swap.max", v2swap, "swap", err);
}

static int
apply_v2 (struct cgroup_dir *d, const oci_memory *mem, casing_error_t *err)
{
  /* Raising memory+swap: swap.max does not depend on memory.max on v2, so
   * the order of the two writes does not matter. */
  if (mem->has_limit && write_i64 (d, "memory.max", mem->limit, "limit", err) < 0)
    return -1;
  if (mem->has_swap && apply_v2_swap (d, mem, err) < 0)
    return -1;
  if (mem->has_reservation && write_i64 (d, "memory.low", mem->reservation, "reservation", err) < 0)
    return -1;
  if (mem->has_kernel || mem->has_kernel_tcp)
    log_warning (FIELD ".kernel/kernelTCP: not supported on cgroup v2, ignored");
  if (mem->has_swappiness)
    log_warning (FIELD ".swappiness: not supported on cgroup v2, ignored");
  if (mem->has_disable_oom_killer && mem->disable_oom_killer)
    log_warning (FIELD ".disableOOMKiller: not supported on cgroup v2, ignored");
  return 0;
}

int
cgroup_apply_memory (struct cgroup_manager *m, const oci_memory *mem, bool update, casing_error_t *err)
{
  struct cgroup_dir *d;
  if (mem == NULL)
    return 0;
  d = cgroup_manager_dir_for (m, "memory");
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, FIELD ": the memory controller is not available on this host");
  if (update && mem->has_check_before_update && mem->check_before_update && mem->has_limit
      && check_usage (d, mem->limit, err) < 0)
    return -1;
  return cgroup_dir_is_v2 (d) ? apply_v2 (d, mem, err) : apply_v1 (d, mem, err);
}
