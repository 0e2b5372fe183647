/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables for config.json's `linux` object (resources are in
 * tables_resources.c). */
#include "ocispec.h"
#include "tables.h"

#define DESC(T, F) { .name = #T, .size = sizeof (T), .fields = F }

/* config-linux.md lists the first four; runc and crun also accept the
 * recursive forms, and engines (Podman, CRI-O) send them. */
static const char *const rootfs_propagations[] = {
  "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable", NULL,
};

static const oci_field namespace_fields[] = {
  OCI_STR ("type", oci_namespace, type, .required = true, .enums = oci_namespace_types),
  OCI_STR ("path", oci_namespace, path),
  OCI_END,
};
static const oci_desc namespace_desc = DESC (oci_namespace, namespace_fields);

static const oci_field time_offset_fields[] = {
  OCI_OPT ("secs", OCI_INT64, oci_time_offset, secs),
  OCI_OPT ("nanosecs", OCI_UINT32, oci_time_offset, nanosecs),
  OCI_END,
};
static const oci_desc time_offset_desc = DESC (oci_time_offset, time_offset_fields);

static const oci_field time_offsets_fields[] = {
  OCI_OBJ ("boottime", oci_time_offsets, boottime, time_offset_desc),
  OCI_OBJ ("monotonic", oci_time_offsets, monotonic, time_offset_desc),
  OCI_END,
};
static const oci_desc time_offsets_desc = DESC (oci_time_offsets, time_offsets_fields);

static const oci_field device_fields[] = {
  OCI_STR ("type", oci_device, type, .required = true, .pattern = &oci_pattern_device_type),
  OCI_STR ("path", oci_device, path, .required = true),
  /* Any uint32, as runc and crun take it: engines pass st_mode with the
   * file-type bits (Podman: 020600); only the permission bits are used. */
  OCI_OPT ("fileMode", OCI_UINT32, oci_device, file_mode),
  OCI_OPT ("major", OCI_INT64, oci_device, major),
  OCI_OPT ("minor", OCI_INT64, oci_device, minor),
  OCI_OPT ("uid", OCI_UINT32, oci_device, uid),
  OCI_OPT ("gid", OCI_UINT32, oci_device, gid),
  OCI_END,
};
static const oci_desc device_desc = DESC (oci_device, device_fields);

static const oci_field net_device_fields[] = {
  OCI_STR ("name", oci_net_device, name),
  OCI_END,
};
static const oci_desc net_device_desc = {
  .name = "oci_net_device",
  .size = sizeof (oci_net_device),
  .fields = net_device_fields,
  .keyed = true,
  .key_off = offsetof (oci_net_device, key),
};

static const oci_field seccomp_arg_fields[] = {
  OCI_REQ ("index", OCI_UINT32, oci_seccomp_arg, index),
  OCI_REQ ("value", OCI_UINT64, oci_seccomp_arg, value),
  OCI_OPT ("valueTwo", OCI_UINT64, oci_seccomp_arg, value_two),
  OCI_STR ("op", oci_seccomp_arg, op, .required = true, .enums = oci_seccomp_operators),
  OCI_END,
};
static const oci_desc seccomp_arg_desc = DESC (oci_seccomp_arg, seccomp_arg_fields);

static const oci_field seccomp_syscall_fields[] = {
  OCI_ARR ("names", OCI_STRING, oci_seccomp_syscall, names, .required = true, .min_items = 1),
  OCI_STR ("action", oci_seccomp_syscall, action, .required = true, .enums = oci_seccomp_actions),
  OCI_OPT ("errnoRet", OCI_UINT32, oci_seccomp_syscall, errno_ret),
  OCI_ARR_OBJ ("args", oci_seccomp_syscall, args, seccomp_arg_desc),
  OCI_END,
};
static const oci_desc seccomp_syscall_desc = DESC (oci_seccomp_syscall, seccomp_syscall_fields);

static const oci_field seccomp_fields[] = {
  OCI_STR ("defaultAction", oci_seccomp, default_action, .required = true, .enums = oci_seccomp_actions),
  OCI_OPT ("defaultErrnoRet", OCI_UINT32, oci_seccomp, default_errno_ret),
  OCI_ARR ("architectures", OCI_STRING, oci_seccomp, architectures, .enums = oci_seccomp_archs),
  OCI_ARR ("flags", OCI_STRING, oci_seccomp, flags, .enums = oci_seccomp_flags),
  OCI_STR ("listenerPath", oci_seccomp, listener_path),
  OCI_STR ("listenerMetadata", oci_seccomp, listener_metadata),
  OCI_ARR_OBJ ("syscalls", oci_seccomp, syscalls, seccomp_syscall_desc),
  OCI_END,
};
static const oci_desc seccomp_desc = DESC (oci_seccomp, seccomp_fields);

static const oci_field intel_rdt_fields[] = {
  OCI_STR ("closID", oci_intel_rdt, clos_id),
  OCI_ARR ("schemata", OCI_STRING, oci_intel_rdt, schemata),
  OCI_STR ("l3CacheSchema", oci_intel_rdt, l3_cache_schema),
  OCI_STR ("memBwSchema", oci_intel_rdt, mem_bw_schema, .pattern = &oci_pattern_mem_bw_schema),
  OCI_OPT ("enableMonitoring", OCI_BOOL, oci_intel_rdt, enable_monitoring),
  OCI_END,
};
static const oci_desc intel_rdt_desc = DESC (oci_intel_rdt, intel_rdt_fields);

/* `mode` and `domain` are REQUIRED in config-linux.md although the schema
 * does not say so: without them there is nothing to apply, and runc refuses
 * an empty one too.  Saying so at parse time gives the path early. */
static const oci_field memory_policy_fields[] = {
  OCI_STR ("mode", oci_memory_policy, mode, .required = true, .enums = oci_mempolicy_modes),
  OCI_STR ("nodes", oci_memory_policy, nodes),
  OCI_ARR ("flags", OCI_STRING, oci_memory_policy, flags, .enums = oci_mempolicy_flags),
  OCI_END,
};
static const oci_desc memory_policy_desc = DESC (oci_memory_policy, memory_policy_fields);

static const oci_field personality_fields[] = {
  OCI_STR ("domain", oci_personality, domain, .required = true, .enums = oci_personality_domains),
  OCI_ARR ("flags", OCI_STRING, oci_personality, flags),
  OCI_END,
};
static const oci_desc personality_desc = DESC (oci_personality, personality_fields);

static const oci_field linux_fields[] = {
  OCI_ARR_OBJ ("namespaces", oci_linux, namespaces, namespace_desc),
  OCI_ARR_OBJ ("uidMappings", oci_linux, uid_mappings, oci_id_mapping_desc),
  OCI_ARR_OBJ ("gidMappings", oci_linux, gid_mappings, oci_id_mapping_desc),
  OCI_OBJ ("timeOffsets", oci_linux, time_offsets, time_offsets_desc),
  OCI_ARR_OBJ ("devices", oci_linux, devices, device_desc),
  OCI_OBJ_MAP ("netDevices", oci_linux, net_devices, net_device_desc),
  OCI_STR ("cgroupsPath", oci_linux, cgroups_path),
  OCI_OBJ ("resources", oci_linux, resources, oci_resources_desc),
  OCI_OBJ ("intelRdt", oci_linux, intel_rdt, intel_rdt_desc),
  OCI_MAP ("sysctl", oci_linux, sysctl),
  OCI_OBJ ("seccomp", oci_linux, seccomp, seccomp_desc),
  OCI_STR ("rootfsPropagation", oci_linux, rootfs_propagation, .enums = rootfs_propagations),
  OCI_ARR ("maskedPaths", OCI_STRING, oci_linux, masked_paths),
  OCI_ARR ("readonlyPaths", OCI_STRING, oci_linux, readonly_paths),
  OCI_STR ("mountLabel", oci_linux, mount_label),
  OCI_OBJ ("personality", oci_linux, personality, personality_desc),
  OCI_OBJ ("memoryPolicy", oci_linux, memory_policy, memory_policy_desc),
  OCI_END,
};
const oci_desc oci_linux_desc = DESC (oci_linux, linux_fields);
