/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables for config.json's common part: root, mounts, process, hooks. */
#include "ocispec.h"
#include "tables.h"

#define DESC(T, F) { .name = #T, .size = sizeof (T), .fields = F }

static const oci_field id_mapping_fields[] = {
  OCI_REQ ("containerID", OCI_UINT32, oci_id_mapping, container_id),
  OCI_REQ ("hostID", OCI_UINT32, oci_id_mapping, host_id),
  OCI_REQ ("size", OCI_UINT32, oci_id_mapping, size),
  OCI_END,
};
const oci_desc oci_id_mapping_desc = DESC (oci_id_mapping, id_mapping_fields);

static const oci_field hook_fields[] = {
  OCI_STR ("path", oci_hook, path, .required = true),
  OCI_ARR ("args", OCI_STRING, oci_hook, args),
  OCI_ARR ("env", OCI_STRING, oci_hook, env),
  OCI_OPT ("timeout", OCI_INT64, oci_hook, timeout, .ranged = true, .min = 1, .max = INT64_MAX),
  OCI_END,
};
static const oci_desc hook_desc = DESC (oci_hook, hook_fields);

static const oci_field hooks_fields[] = {
  OCI_ARR_OBJ ("prestart", oci_hooks, prestart, hook_desc),
  OCI_ARR_OBJ ("createRuntime", oci_hooks, create_runtime, hook_desc),
  OCI_ARR_OBJ ("createContainer", oci_hooks, create_container, hook_desc),
  OCI_ARR_OBJ ("startContainer", oci_hooks, start_container, hook_desc),
  OCI_ARR_OBJ ("poststart", oci_hooks, poststart, hook_desc),
  OCI_ARR_OBJ ("poststop", oci_hooks, poststop, hook_desc),
  OCI_END,
};
static const oci_desc hooks_desc = DESC (oci_hooks, hooks_fields);

static const oci_field mount_fields[] = {
  OCI_STR ("destination", oci_mount, destination, .required = true),
  OCI_STR ("source", oci_mount, source),
  OCI_STR ("type", oci_mount, type),
  OCI_ARR ("options", OCI_STRING, oci_mount, options),
  OCI_ARR_OBJ ("uidMappings", oci_mount, uid_mappings, oci_id_mapping_desc),
  OCI_ARR_OBJ ("gidMappings", oci_mount, gid_mappings, oci_id_mapping_desc),
  OCI_END,
};
static const oci_desc mount_desc = DESC (oci_mount, mount_fields);

static const oci_field root_fields[] = {
  OCI_STR ("path", oci_root, path, .required = true),
  OCI_OPT ("readonly", OCI_BOOL, oci_root, readonly),
  OCI_END,
};
static const oci_desc root_desc = DESC (oci_root, root_fields);

static const oci_field console_size_fields[] = {
  OCI_REQ ("height", OCI_UINT64, oci_console_size, height),
  OCI_REQ ("width", OCI_UINT64, oci_console_size, width),
  OCI_END,
};
static const oci_desc console_size_desc = DESC (oci_console_size, console_size_fields);

static const oci_field user_fields[] = {
  OCI_OPT ("uid", OCI_UINT32, oci_user, uid),
  OCI_OPT ("gid", OCI_UINT32, oci_user, gid),
  OCI_OPT ("umask", OCI_UINT32, oci_user, umask),
  OCI_ARR ("additionalGids", OCI_UINT32, oci_user, additional_gids),
  OCI_STR ("username", oci_user, username),
  OCI_END,
};
static const oci_desc user_desc = DESC (oci_user, user_fields);

static const oci_field capabilities_fields[] = {
  OCI_ARR ("bounding", OCI_STRING, oci_capabilities, bounding),
  OCI_ARR ("effective", OCI_STRING, oci_capabilities, effective),
  OCI_ARR ("inheritable", OCI_STRING, oci_capabilities, inheritable),
  OCI_ARR ("permitted", OCI_STRING, oci_capabilities, permitted),
  OCI_ARR ("ambient", OCI_STRING, oci_capabilities, ambient),
  OCI_END,
};
static const oci_desc capabilities_desc = DESC (oci_capabilities, capabilities_fields);

static const oci_field rlimit_fields[] = {
  OCI_STR ("type", oci_rlimit, type, .required = true, .pattern = &oci_pattern_rlimit_type),
  OCI_REQ ("soft", OCI_UINT64, oci_rlimit, soft),
  OCI_REQ ("hard", OCI_UINT64, oci_rlimit, hard),
  OCI_END,
};
static const oci_desc rlimit_desc = DESC (oci_rlimit, rlimit_fields);

static const oci_field io_priority_fields[] = {
  OCI_STR ("class", oci_io_priority, class, .required = true, .enums = oci_ioprio_classes),
  OCI_OPT ("priority", OCI_INT32, oci_io_priority, priority),
  OCI_END,
};
static const oci_desc io_priority_desc = DESC (oci_io_priority, io_priority_fields);

static const oci_field scheduler_fields[] = {
  OCI_STR ("policy", oci_scheduler, policy, .required = true, .enums = oci_sched_policies),
  OCI_OPT ("nice", OCI_INT32, oci_scheduler, nice),
  OCI_OPT ("priority", OCI_INT32, oci_scheduler, priority),
  OCI_ARR ("flags", OCI_STRING, oci_scheduler, flags, .enums = oci_sched_flags),
  OCI_OPT ("runtime", OCI_UINT64, oci_scheduler, runtime),
  OCI_OPT ("deadline", OCI_UINT64, oci_scheduler, deadline),
  OCI_OPT ("period", OCI_UINT64, oci_scheduler, period),
  OCI_END,
};
static const oci_desc scheduler_desc = DESC (oci_scheduler, scheduler_fields);

static const oci_field exec_cpu_affinity_fields[] = {
  OCI_STR ("initial", oci_exec_cpu_affinity, initial, .pattern = &oci_pattern_cpu_affinity),
  OCI_STR ("final", oci_exec_cpu_affinity, final, .pattern = &oci_pattern_cpu_affinity),
  OCI_END,
};
static const oci_desc exec_cpu_affinity_desc = DESC (oci_exec_cpu_affinity, exec_cpu_affinity_fields);

static const oci_field process_fields[] = {
  OCI_OPT ("terminal", OCI_BOOL, oci_process, terminal),
  OCI_OBJ ("consoleSize", oci_process, console_size, console_size_desc),
  OCI_OBJ ("user", oci_process, user, user_desc),
  OCI_ARR ("args", OCI_STRING, oci_process, args),
  OCI_STR ("commandLine", oci_process, command_line),
  OCI_ARR ("env", OCI_STRING, oci_process, env),
  OCI_STR ("cwd", oci_process, cwd, .required = true),
  OCI_OBJ ("capabilities", oci_process, capabilities, capabilities_desc),
  OCI_ARR_OBJ ("rlimits", oci_process, rlimits, rlimit_desc),
  OCI_OPT ("noNewPrivileges", OCI_BOOL, oci_process, no_new_privileges),
  OCI_STR ("apparmorProfile", oci_process, apparmor_profile),
  OCI_OPT ("oomScoreAdj", OCI_INT32, oci_process, oom_score_adj),
  OCI_STR ("selinuxLabel", oci_process, selinux_label),
  OCI_OBJ ("ioPriority", oci_process, io_priority, io_priority_desc),
  OCI_OBJ ("scheduler", oci_process, scheduler, scheduler_desc),
  OCI_OBJ ("execCPUAffinity", oci_process, exec_cpu_affinity, exec_cpu_affinity_desc),
  OCI_END,
};
const oci_desc oci_process_desc = DESC (oci_process, process_fields);

static const oci_field config_fields[] = {
  OCI_STR ("ociVersion", oci_config, oci_version, .required = true),
  OCI_OBJ ("root", oci_config, root, root_desc),
  OCI_ARR_OBJ ("mounts", oci_config, mounts, mount_desc),
  OCI_OBJ ("process", oci_config, process, oci_process_desc),
  OCI_STR ("hostname", oci_config, hostname),
  OCI_STR ("domainname", oci_config, domainname),
  OCI_OBJ ("hooks", oci_config, hooks, hooks_desc),
  OCI_MAP ("annotations", oci_config, annotations),
  OCI_OBJ ("linux", oci_config, linux_, oci_linux_desc),
  OCI_END,
};
const oci_desc oci_config_desc = DESC (oci_config, config_fields);
