/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables for the OCI state, the features document and casing's own state
 * file. */
#include "ocispec.h"
#include "tables.h"

#define DESC(T, F) { .name = #T, .size = sizeof (T), .fields = F }

/* state-schema.json stops at "stopped"; runc also reports "paused" and the
 * engines that read `state` expect it. */
static const char *const state_statuses[] = { "creating", "created", "running", "stopped", "paused", NULL };

static const oci_field state_fields[] = {
  OCI_STR ("ociVersion", oci_state, oci_version, .required = true),
  OCI_STR ("id", oci_state, id, .required = true),
  OCI_STR ("status", oci_state, status, .required = true, .enums = state_statuses),
  OCI_OPT ("pid", OCI_INT64, oci_state, pid, .ranged = true, .min = 0, .max = INT64_MAX),
  OCI_STR ("bundle", oci_state, bundle, .required = true),
  OCI_MAP ("annotations", oci_state, annotations),
  OCI_STR ("rootfs", oci_state, rootfs),
  OCI_STR ("created", oci_state, created),
  OCI_STR ("owner", oci_state, owner),
  OCI_END,
};
const oci_desc oci_state_desc = DESC (oci_state, state_fields);

static const oci_field container_process_state_fields[] = {
  OCI_STR ("ociVersion", oci_container_process_state, oci_version, .required = true),
  OCI_ARR ("fds", OCI_STRING, oci_container_process_state, fds),
  OCI_REQ ("pid", OCI_INT64, oci_container_process_state, pid, .ranged = true, .min = 0, .max = INT64_MAX),
  OCI_STR ("metadata", oci_container_process_state, metadata),
  OCI_OBJ ("state", oci_container_process_state, state, oci_state_desc, .required = true),
  OCI_END,
};
const oci_desc oci_container_process_state_desc
    = DESC (oci_container_process_state, container_process_state_fields);

static const oci_field features_seccomp_fields[] = {
  OCI_OPT ("enabled", OCI_BOOL, oci_features_seccomp, enabled),
  OCI_ARR ("actions", OCI_STRING, oci_features_seccomp, actions, .enums = oci_seccomp_actions),
  OCI_ARR ("operators", OCI_STRING, oci_features_seccomp, operators, .enums = oci_seccomp_operators),
  OCI_ARR ("archs", OCI_STRING, oci_features_seccomp, archs, .enums = oci_seccomp_archs),
  OCI_ARR ("knownFlags", OCI_STRING, oci_features_seccomp, known_flags, .enums = oci_seccomp_flags),
  OCI_ARR ("supportedFlags", OCI_STRING, oci_features_seccomp, supported_flags, .enums = oci_seccomp_flags),
  OCI_END,
};
static const oci_desc features_seccomp_desc = DESC (oci_features_seccomp, features_seccomp_fields);

static const oci_field features_cgroup_fields[] = {
  OCI_OPT ("v1", OCI_BOOL, oci_features_cgroup, v1),
  OCI_OPT ("v2", OCI_BOOL, oci_features_cgroup, v2),
  OCI_OPT ("systemd", OCI_BOOL, oci_features_cgroup, systemd),
  OCI_OPT ("systemdUser", OCI_BOOL, oci_features_cgroup, systemd_user),
  OCI_OPT ("rdma", OCI_BOOL, oci_features_cgroup, rdma),
  OCI_END,
};
static const oci_desc features_cgroup_desc = DESC (oci_features_cgroup, features_cgroup_fields);

static const oci_field features_enabled_fields[] = {
  OCI_OPT ("enabled", OCI_BOOL, oci_features_enabled, enabled),
  OCI_END,
};
static const oci_desc features_enabled_desc = DESC (oci_features_enabled, features_enabled_fields);

static const oci_field features_mount_extensions_fields[] = {
  OCI_OBJ ("idmap", oci_features_mount_extensions, idmap, features_enabled_desc),
  OCI_END,
};
static const oci_desc features_mount_extensions_desc
    = DESC (oci_features_mount_extensions, features_mount_extensions_fields);

static const oci_field features_memory_policy_fields[] = {
  OCI_ARR ("modes", OCI_STRING, oci_features_memory_policy, modes, .enums = oci_mempolicy_modes),
  OCI_ARR ("flags", OCI_STRING, oci_features_memory_policy, flags, .enums = oci_mempolicy_flags),
  OCI_END,
};
static const oci_desc features_memory_policy_desc = DESC (oci_features_memory_policy, features_memory_policy_fields);

static const oci_field features_linux_fields[] = {
  OCI_ARR ("namespaces", OCI_STRING, oci_features_linux, namespaces, .enums = oci_namespace_types),
  OCI_ARR ("capabilities", OCI_STRING, oci_features_linux, capabilities, .pattern = &oci_pattern_capability),
  OCI_OBJ ("cgroup", oci_features_linux, cgroup, features_cgroup_desc),
  OCI_OBJ ("seccomp", oci_features_linux, seccomp, features_seccomp_desc),
  OCI_OBJ ("apparmor", oci_features_linux, apparmor, features_enabled_desc),
  OCI_OBJ ("selinux", oci_features_linux, selinux, features_enabled_desc),
  OCI_OBJ ("intelRdt", oci_features_linux, intel_rdt, features_enabled_desc),
  OCI_OBJ ("mountExtensions", oci_features_linux, mount_extensions, features_mount_extensions_desc),
  OCI_OBJ ("netDevices", oci_features_linux, net_devices, features_enabled_desc),
  OCI_OBJ ("memoryPolicy", oci_features_linux, memory_policy, features_memory_policy_desc),
  OCI_END,
};
static const oci_desc features_linux_desc = DESC (oci_features_linux, features_linux_fields);

static const oci_field features_fields[] = {
  OCI_STR ("ociVersionMin", oci_features, oci_version_min, .required = true),
  OCI_STR ("ociVersionMax", oci_features, oci_version_max, .required = true),
  OCI_ARR ("hooks", OCI_STRING, oci_features, hooks),
  OCI_ARR ("mountOptions", OCI_STRING, oci_features, mount_options),
  OCI_MAP ("annotations", oci_features, annotations),
  OCI_ARR ("potentiallyUnsafeConfigAnnotations", OCI_STRING, oci_features, potentially_unsafe_config_annotations),
  OCI_OBJ ("linux", oci_features, linux_, features_linux_desc),
  OCI_END,
};
const oci_desc oci_features_desc = DESC (oci_features, features_fields);

/* Our own file: no enums, so a newer casing writing a new status does not
 * make an older one unable to read (and then delete) the container. */
static const oci_field casing_state_fields[] = {
  OCI_STR ("id", casing_state, id, .required = true),
  OCI_STR ("bundle", casing_state, bundle, .required = true),
  OCI_STR ("rootfs", casing_state, rootfs),
  OCI_STR ("created", casing_state, created),
  OCI_STR ("owner", casing_state, owner),
  OCI_OPT ("pid", OCI_INT64, casing_state, pid),
  OCI_OPT ("pidStartTime", OCI_UINT64, casing_state, pid_start_time),
  OCI_STR ("status", casing_state, status),
  OCI_STR ("configPath", casing_state, config_path),
  OCI_STR ("cgroupPath", casing_state, cgroup_path),
  OCI_OPT ("systemdCgroup", OCI_BOOL, casing_state, systemd_cgroup),
  OCI_OPT ("rootless", OCI_BOOL, casing_state, rootless),
  OCI_OPT ("detached", OCI_BOOL, casing_state, detached),
  OCI_MAP ("annotations", casing_state, annotations),
  OCI_MAP ("extra", casing_state, extra),
  OCI_END,
};
const oci_desc casing_state_desc = DESC (casing_state, casing_state_fields);
