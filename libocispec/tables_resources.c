/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables for `linux.resources` (also parsed alone by `update --resources`). */
#include "ocispec.h"
#include "tables.h"

#define DESC(T, F) { .name = #T, .size = sizeof (T), .fields = F }

static const oci_field device_cgroup_fields[] = {
  OCI_REQ ("allow", OCI_BOOL, oci_device_cgroup, allow),
  OCI_STR ("type", oci_device_cgroup, type),
  OCI_OPT ("major", OCI_INT64, oci_device_cgroup, major),
  OCI_OPT ("minor", OCI_INT64, oci_device_cgroup, minor),
  OCI_STR ("access", oci_device_cgroup, access),
  OCI_END,
};
static const oci_desc device_cgroup_desc = DESC (oci_device_cgroup, device_cgroup_fields);

static const oci_field memory_fields[] = {
  OCI_OPT ("limit", OCI_INT64, oci_memory, limit),
  OCI_OPT ("reservation", OCI_INT64, oci_memory, reservation),
  OCI_OPT ("swap", OCI_INT64, oci_memory, swap),
  OCI_OPT ("kernel", OCI_INT64, oci_memory, kernel),
  OCI_OPT ("kernelTCP", OCI_INT64, oci_memory, kernel_tcp),
  OCI_OPT ("swappiness", OCI_UINT64, oci_memory, swappiness),
  OCI_OPT ("disableOOMKiller", OCI_BOOL, oci_memory, disable_oom_killer),
  OCI_OPT ("useHierarchy", OCI_BOOL, oci_memory, use_hierarchy),
  OCI_OPT ("checkBeforeUpdate", OCI_BOOL, oci_memory, check_before_update),
  OCI_END,
};
static const oci_desc memory_desc = DESC (oci_memory, memory_fields);

static const oci_field cpu_fields[] = {
  OCI_OPT ("shares", OCI_UINT64, oci_cpu, shares),
  OCI_OPT ("quota", OCI_INT64, oci_cpu, quota),
  OCI_OPT ("burst", OCI_UINT64, oci_cpu, burst),
  OCI_OPT ("period", OCI_UINT64, oci_cpu, period),
  OCI_OPT ("realtimeRuntime", OCI_INT64, oci_cpu, realtime_runtime),
  OCI_OPT ("realtimePeriod", OCI_UINT64, oci_cpu, realtime_period),
  OCI_STR ("cpus", oci_cpu, cpus),
  OCI_STR ("mems", oci_cpu, mems),
  OCI_OPT ("idle", OCI_INT64, oci_cpu, idle),
  OCI_END,
};
static const oci_desc cpu_desc = DESC (oci_cpu, cpu_fields);

static const oci_field pids_fields[] = {
  OCI_REQ ("limit", OCI_INT64, oci_pids, limit),
  OCI_END,
};
static const oci_desc pids_desc = DESC (oci_pids, pids_fields);

static const oci_field weight_device_fields[] = {
  OCI_REQ ("major", OCI_INT64, oci_blkio_weight_device, major),
  OCI_REQ ("minor", OCI_INT64, oci_blkio_weight_device, minor),
  OCI_OPT ("weight", OCI_UINT16, oci_blkio_weight_device, weight),
  OCI_OPT ("leafWeight", OCI_UINT16, oci_blkio_weight_device, leaf_weight),
  OCI_END,
};
static const oci_desc weight_device_desc = DESC (oci_blkio_weight_device, weight_device_fields);

static const oci_field throttle_device_fields[] = {
  OCI_REQ ("major", OCI_INT64, oci_blkio_throttle_device, major),
  OCI_REQ ("minor", OCI_INT64, oci_blkio_throttle_device, minor),
  OCI_OPT ("rate", OCI_UINT64, oci_blkio_throttle_device, rate),
  OCI_END,
};
static const oci_desc throttle_device_desc = DESC (oci_blkio_throttle_device, throttle_device_fields);

static const oci_field blkio_fields[] = {
  OCI_OPT ("weight", OCI_UINT16, oci_blkio, weight),
  OCI_OPT ("leafWeight", OCI_UINT16, oci_blkio, leaf_weight),
  OCI_ARR_OBJ ("weightDevice", oci_blkio, weight_device, weight_device_desc),
  OCI_ARR_OBJ ("throttleReadBpsDevice", oci_blkio, throttle_read_bps_device, throttle_device_desc),
  OCI_ARR_OBJ ("throttleWriteBpsDevice", oci_blkio, throttle_write_bps_device, throttle_device_desc),
  OCI_ARR_OBJ ("throttleReadIOPSDevice", oci_blkio, throttle_read_iops_device, throttle_device_desc),
  OCI_ARR_OBJ ("throttleWriteIOPSDevice", oci_blkio, throttle_write_iops_device, throttle_device_desc),
  OCI_END,
};
static const oci_desc blkio_desc = DESC (oci_blkio, blkio_fields);

static const oci_field hugepage_limit_fields[] = {
  OCI_STR ("pageSize", oci_hugepage_limit, page_size, .required = true, .pattern = &oci_pattern_hugepage_size),
  OCI_REQ ("limit", OCI_UINT64, oci_hugepage_limit, limit),
  OCI_END,
};
static const oci_desc hugepage_limit_desc = DESC (oci_hugepage_limit, hugepage_limit_fields);

static const oci_field net_priority_fields[] = {
  OCI_STR ("name", oci_net_priority, name, .required = true),
  OCI_REQ ("priority", OCI_UINT32, oci_net_priority, priority),
  OCI_END,
};
static const oci_desc net_priority_desc = DESC (oci_net_priority, net_priority_fields);

static const oci_field network_fields[] = {
  OCI_OPT ("classID", OCI_UINT32, oci_network, class_id),
  OCI_ARR_OBJ ("priorities", oci_network, priorities, net_priority_desc),
  OCI_END,
};
static const oci_desc network_desc = DESC (oci_network, network_fields);

static const oci_field rdma_fields[] = {
  OCI_OPT ("hcaHandles", OCI_UINT32, oci_rdma, hca_handles),
  OCI_OPT ("hcaObjects", OCI_UINT32, oci_rdma, hca_objects),
  OCI_END,
};
static const oci_desc rdma_desc = {
  .name = "oci_rdma",
  .size = sizeof (oci_rdma),
  .fields = rdma_fields,
  .keyed = true,
  .key_off = offsetof (oci_rdma, key),
};

static const oci_field resources_fields[] = {
  OCI_ARR_OBJ ("devices", oci_resources, devices, device_cgroup_desc),
  OCI_OBJ ("memory", oci_resources, memory, memory_desc),
  OCI_OBJ ("cpu", oci_resources, cpu, cpu_desc),
  OCI_OBJ ("pids", oci_resources, pids, pids_desc),
  OCI_OBJ ("blockIO", oci_resources, block_io, blkio_desc),
  OCI_ARR_OBJ ("hugepageLimits", oci_resources, hugepage_limits, hugepage_limit_desc),
  OCI_OBJ ("network", oci_resources, network, network_desc),
  OCI_OBJ_MAP ("rdma", oci_resources, rdma, rdma_desc),
  OCI_MAP ("unified", oci_resources, unified),
  OCI_END,
};
const oci_desc oci_resources_desc = DESC (oci_resources, resources_fields);
