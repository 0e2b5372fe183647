/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources to the container's cgroups, at create and on `update`. */
#include <errno.h>
#include <string.h>

#include "cgroup_internal.h"
#include "devices.h"
#include "core/trace.h"
#include "core/log.h"
#include "core/utils.h"

static int
apply_devices (struct cgroup_manager *m, const oci_resources *r, casing_error_t *err)
{
  cleanup_free struct device_rule *rules = NULL;
  size_t n = 0;
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "devices");
  if (d == NULL)
    {
      /* Refuse rather than run a container with every device open. */
      return casing_error_set (err, ENOTSUP, "linux.resources.devices: the host has no devices controller");
    }
  if (device_rules_build (r ? r->devices : NULL, r ? r->devices_len : 0, m->devices, m->n_devices, &rules, &n, err)
      < 0)
    return -1;
  if (cgroup_dir_is_v2 (d))
    return cgroup_devices_bpf_apply (d, rules, n, err);
  return cgroup_devices_v1_apply (d, rules, n, err);
}

/* One controller's limits, as a step of the trace (src/core/trace.h). */
#define APPLY(controller, call)                                                                    \
  do                                                                                               \
    {                                                                                              \
      TRACE_START (t_);                                                                            \
      int r_ = (call);                                                                             \
      TRACE_STEP (t_, "cgroup-apply", 2, controller);                                              \
      if (r_ < 0)                                                                                  \
        return -1;                                                                                 \
    }                                                                                              \
  while (0)

static int
apply_all (struct cgroup_manager *m, const oci_resources *r, bool update, casing_error_t *err)
{
  if (r == NULL)
    return 0;
  APPLY ("cpuset", cgroup_apply_cpuset (m, r->cpu, err));
  APPLY ("memory", cgroup_apply_memory (m, r->memory, update, err));
  APPLY ("cpu", cgroup_apply_cpu (m, r->cpu, err));
  APPLY ("pids", cgroup_apply_pids (m, r->pids, err));
  APPLY ("blkio", cgroup_apply_blkio (m, r->block_io, err));
  APPLY ("hugetlb", cgroup_apply_hugetlb (m, r->hugepage_limits, r->hugepage_limits_len, err));
  APPLY ("network", cgroup_apply_network (m, r->network, err));
  APPLY ("rdma", cgroup_apply_rdma (m, r->rdma, r->rdma_len, err));
  /* Last, so an explicit unified value wins over a converted one. */
  APPLY ("unified", cgroup_apply_unified (m, r->unified, err));
  return 0;
}

/* A rootless container whose every cgroup was skipped (none delegated). */
static bool
rootless_without_cgroup (const struct cgroup_manager *m)
{
  return m->rootless && !m->systemd && m->n_dirs == 0;
}

/* Without a cgroup nothing can be applied: device rules quietly (engines
 * always send the deny-all one), anything else with a warning. */
static void
note_unapplied (const struct cgroup_manager *m, const oci_resources *r)
{
  if (r == NULL)
    return;
  if (r->memory || r->cpu || r->pids || r->block_io || r->hugepage_limits_len || r->network || r->rdma
      || r->unified)
    log_warning ("linux.resources: not applied, the container has no cgroup (%s)",
                 m->disabled ? "--cgroup-manager disabled" : "rootless, and no cgroup is delegated to this user");
  else if (r->devices_len)
    log_debug ("linux.resources.devices: no cgroup to apply the device rules to");
}

int
cgroup_manager_apply_devices (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err)
{
  /* Device rules always apply: without them the container could open
   * every device node of the host. */
  if (!m->disabled && !m->rootless)
    APPLY ("devices", apply_devices (m, resources, err));
  return 0;
}

int
cgroup_manager_apply_limits (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err)
{
  if (m->disabled || rootless_without_cgroup (m))
    {
      note_unapplied (m, resources);
      return 0;
    }
  return apply_all (m, resources, false, err);
}

int
cgroup_manager_apply (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err)
{
  if (cgroup_manager_apply_devices (m, resources, err) < 0)
    return -1;
  return cgroup_manager_apply_limits (m, resources, err);
}

int
cgroup_manager_update (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err)
{
  if (cgroup_manager_need (m, "update", err) < 0)
    return -1;
  if (rootless_without_cgroup (m))
    return casing_error_set (err, ENODEV, "update: container `%s` has no cgroup (rootless, and no cgroup is "
                             "delegated to this user)", m->id);
  /* systemd first: a limit it refuses is then not half applied. */
  if (m->systemd && cgroup_systemd_update (m, resources, err) < 0)
    return -1;
  if (resources && resources->devices && !m->rootless && apply_devices (m, resources, err) < 0)
    return -1;
  return apply_all (m, resources, true, err);
}
