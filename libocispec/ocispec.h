/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libocispec: the OCI runtime-spec v1.3.0 types (Linux part) as C structs.
 *
 * Conventions, used by every struct below:
 *  - a string is NULL when the property is absent;
 *  - a nested object is a pointer, NULL when absent;
 *  - an array is a pointer plus `<name>_len`; the pointer is non-NULL when
 *    the property is present, even if the array is empty (so "absent" and
 *    "[]" survive a round trip, which matters for e.g. capabilities);
 *  - an optional scalar has a `has_<name>` flag next to it.
 */
#ifndef OCISPEC_H
#define OCISPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocispec_names.h"

#define OCI_SPEC_VERSION "1.3.0"
#define OCI_SPEC_VERSION_MIN "1.0.0"

typedef struct oci_kv
{
  char *key;
  char *value;
} oci_kv;

/* A JSON object of string values, in document order. */
typedef struct oci_map
{
  oci_kv *items;
  size_t len;
} oci_map;

typedef struct oci_id_mapping
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct oci_hook
{
  char *path;
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  bool has_timeout;
  int64_t timeout; /* seconds, >= 1 */
} oci_hook;

typedef struct oci_hooks
{
  oci_hook *prestart;
  size_t prestart_len;
  oci_hook *create_runtime;
  size_t create_runtime_len;
  oci_hook *create_container;
  size_t create_container_len;
  oci_hook *start_container;
  size_t start_container_len;
  oci_hook *poststart;
  size_t poststart_len;
  oci_hook *poststop;
  size_t poststop_len;
} oci_hooks;

typedef struct oci_mount
{
  char *destination; /* required */
  char *source;
  char *type;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct oci_root
{
  char *path; /* required */
  bool has_readonly;
  bool readonly;
} oci_root;

typedef struct oci_console_size
{
  uint64_t height; /* required */
  uint64_t width;  /* required */
} oci_console_size;

typedef struct oci_user
{
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username;
} oci_user;

typedef struct oci_capabilities
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct oci_rlimit
{
  char *type; /* required, ^RLIMIT_[A-Z]+$ */
  uint64_t soft; /* required */
  uint64_t hard; /* required */
} oci_rlimit;

typedef struct oci_io_priority
{
  char *class; /* required: IOPRIO_CLASS_RT|BE|IDLE */
  bool has_priority;
  int32_t priority;
} oci_io_priority;

typedef struct oci_scheduler
{
  char *policy; /* required: SCHED_* */
  bool has_nice;
  int32_t nice;
  bool has_priority;
  int32_t priority;
  char **flags; /* SCHED_FLAG_* */
  size_t flags_len;
  bool has_runtime;
  uint64_t runtime;
  bool has_deadline;
  uint64_t deadline;
  bool has_period;
  uint64_t period;
} oci_scheduler;

typedef struct oci_exec_cpu_affinity
{
  char *initial; /* ^[0-9, -]*$ */
  char *final;
} oci_exec_cpu_affinity;

typedef struct oci_process
{
  bool has_terminal;
  bool terminal;
  oci_console_size *console_size;
  oci_user *user;
  char **args;
  size_t args_len;
  char *command_line;
  char **env;
  size_t env_len;
  char *cwd; /* required */
  oci_capabilities *capabilities;
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool has_no_new_privileges;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int32_t oom_score_adj;
  char *selinux_label;
  oci_io_priority *io_priority;
  oci_scheduler *scheduler;
  oci_exec_cpu_affinity *exec_cpu_affinity;
} oci_process;

/* ---- linux ---- */

typedef struct oci_namespace
{
  char *type; /* required: mount|pid|network|uts|ipc|user|cgroup|time */
  char *path;
} oci_namespace;

typedef struct oci_time_offset
{
  bool has_secs;
  int64_t secs;
  bool has_nanosecs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct oci_time_offsets
{
  oci_time_offset *boottime;
  oci_time_offset *monotonic;
} oci_time_offsets;

typedef struct oci_device
{
  char *type; /* required: c|b|u|p */
  char *path; /* required */
  bool has_file_mode;
  uint32_t file_mode; /* only & 07777 is used; type bits may be set */
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
} oci_device;

typedef struct oci_net_device
{
  char *key; /* host interface name (the object key) */
  char *name;
} oci_net_device;

typedef struct oci_device_cgroup
{
  bool allow; /* required */
  char *type;
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  char *access;
} oci_device_cgroup;

typedef struct oci_memory
{
  bool has_limit;
  int64_t limit;
  bool has_reservation;
  int64_t reservation;
  bool has_swap;
  int64_t swap;
  bool has_kernel;
  int64_t kernel;
  bool has_kernel_tcp;
  int64_t kernel_tcp;
  bool has_swappiness;
  uint64_t swappiness;
  bool has_disable_oom_killer;
  bool disable_oom_killer;
  bool has_use_hierarchy;
  bool use_hierarchy;
  bool has_check_before_update;
  bool check_before_update;
} oci_memory;

typedef struct oci_cpu
{
  bool has_shares;
  uint64_t shares;
  bool has_quota;
  int64_t quota;
  bool has_burst;
  uint64_t burst;
  bool has_period;
  uint64_t period;
  bool has_realtime_runtime;
  int64_t realtime_runtime;
  bool has_realtime_period;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  bool has_idle;
  int64_t idle;
} oci_cpu;

typedef struct oci_pids
{
  int64_t limit; /* required */
} oci_pids;

typedef struct oci_blkio_weight_device
{
  int64_t major; /* required */
  int64_t minor; /* required */
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
} oci_blkio_weight_device;

typedef struct oci_blkio_throttle_device
{
  int64_t major; /* required */
  int64_t minor; /* required */
  bool has_rate;
  uint64_t rate;
} oci_blkio_throttle_device;

typedef struct oci_blkio
{
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
  oci_blkio_weight_device *weight_device;
  size_t weight_device_len;
  oci_blkio_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_blkio_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_blkio_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  oci_blkio_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_blkio;

typedef struct oci_hugepage_limit
{
  char *page_size; /* required, ^[1-9][0-9]*[KMG]B$ */
  uint64_t limit;  /* required */
} oci_hugepage_limit;

typedef struct oci_net_priority
{
  char *name;        /* required */
  uint32_t priority; /* required */
} oci_net_priority;

typedef struct oci_network
{
  bool has_class_id;
  uint32_t class_id;
  oci_net_priority *priorities;
  size_t priorities_len;
} oci_network;

typedef struct oci_rdma
{
  char *key; /* device name (the object key) */
  bool has_hca_handles;
  uint32_t hca_handles;
  bool has_hca_objects;
  uint32_t hca_objects;
} oci_rdma;

typedef struct oci_resources
{
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  oci_pids *pids;
  oci_blkio *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  oci_network *network;
  oci_rdma *rdma;
  size_t rdma_len;
  oci_map *unified;
} oci_resources;

typedef struct oci_seccomp_arg
{
  uint32_t index; /* required */
  uint64_t value; /* required */
  bool has_value_two;
  uint64_t value_two;
  char *op; /* required: SCMP_CMP_* */
} oci_seccomp_arg;

typedef struct oci_seccomp_syscall
{
  char **names; /* required, minItems 1 */
  size_t names_len;
  char *action; /* required: SCMP_ACT_* */
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct oci_seccomp
{
  char *default_action; /* required */
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures; /* SCMP_ARCH_* */
  size_t architectures_len;
  char **flags; /* SECCOMP_FILTER_FLAG_* */
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct oci_intel_rdt
{
  char *clos_id;
  char **schemata;
  size_t schemata_len;
  char *l3_cache_schema;
  char *mem_bw_schema; /* ^MB:[^\n]*$ */
  bool has_enable_monitoring;
  bool enable_monitoring;
} oci_intel_rdt;

typedef struct oci_memory_policy
{
  char *mode; /* required: MPOL_* */
  char *nodes;
  char **flags; /* MPOL_F_* */
  size_t flags_len;
} oci_memory_policy;

typedef struct oci_personality
{
  char *domain; /* required: LINUX|LINUX32 */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct oci_linux
{
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  oci_time_offsets *time_offsets;
  oci_device *devices;
  size_t devices_len;
  oci_net_device *net_devices;
  size_t net_devices_len;
  char *cgroups_path;
  oci_resources *resources;
  oci_intel_rdt *intel_rdt;
  oci_map *sysctl;
  oci_seccomp *seccomp;
  char *rootfs_propagation; /* private|shared|slave|unbindable */
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  oci_personality *personality;
  oci_memory_policy *memory_policy;
} oci_linux;

typedef struct oci_config
{
  char *oci_version; /* required */
  oci_root *root;
  oci_mount *mounts;
  size_t mounts_len;
  oci_process *process;
  char *hostname;
  char *domainname;
  oci_hooks *hooks;
  oci_map *annotations;
  oci_linux *linux_; /* `linux` is a predefined macro in GNU C */
} oci_config;

/* ---- state ---- */

/* The OCI state (state-schema.json) plus the fields runc adds and go-runc
 * reads (`rootfs`, `created`, `owner`). */
typedef struct oci_state
{
  char *oci_version; /* required */
  char *id;          /* required */
  char *status;      /* required: creating|created|running|stopped|paused */
  bool has_pid;
  int64_t pid;
  char *bundle; /* required */
  oci_map *annotations;
  char *rootfs;
  char *created; /* RFC 3339 */
  char *owner;
} oci_state;

/* The "container process state" sent to a seccomp agent on
 * linux.seccomp.listenerPath (config-linux.md), with the fds in SCM_RIGHTS. */
typedef struct oci_container_process_state
{
  char *oci_version; /* required */
  char **fds;        /* names of the fds, in SCM_RIGHTS order ("seccompFd") */
  size_t fds_len;
  int64_t pid;       /* required */
  char *metadata;    /* linux.seccomp.listenerMetadata */
  oci_state *state;  /* required */
} oci_container_process_state;

/* ---- features (features.md) ---- */

typedef struct oci_features_seccomp
{
  bool has_enabled;
  bool enabled;
  char **actions;
  size_t actions_len;
  char **operators;
  size_t operators_len;
  char **archs;
  size_t archs_len;
  char **known_flags;
  size_t known_flags_len;
  char **supported_flags;
  size_t supported_flags_len;
} oci_features_seccomp;

typedef struct oci_features_cgroup
{
  bool has_v1;
  bool v1;
  bool has_v2;
  bool v2;
  bool has_systemd;
  bool systemd;
  bool has_systemd_user;
  bool systemd_user;
  bool has_rdma;
  bool rdma;
} oci_features_cgroup;

typedef struct oci_features_enabled
{
  bool has_enabled;
  bool enabled;
} oci_features_enabled;

typedef struct oci_features_memory_policy
{
  char **modes;
  size_t modes_len;
  char **flags;
  size_t flags_len;
} oci_features_memory_policy;

typedef struct oci_features_mount_extensions
{
  oci_features_enabled *idmap;
} oci_features_mount_extensions;

typedef struct oci_features_linux
{
  char **namespaces;
  size_t namespaces_len;
  char **capabilities;
  size_t capabilities_len;
  oci_features_cgroup *cgroup;
  oci_features_seccomp *seccomp;
  oci_features_enabled *apparmor;
  oci_features_enabled *selinux;
  oci_features_enabled *intel_rdt;
  oci_features_mount_extensions *mount_extensions;
  oci_features_enabled *net_devices;
  oci_features_memory_policy *memory_policy;
} oci_features_linux;

typedef struct oci_features
{
  char *oci_version_min; /* required */
  char *oci_version_max; /* required */
  char **hooks;
  size_t hooks_len;
  char **mount_options;
  size_t mount_options_len;
  oci_map *annotations;
  char **potentially_unsafe_config_annotations;
  size_t potentially_unsafe_config_annotations_len;
  oci_features_linux *linux_;
} oci_features;

/* ---- casing's own per-container state file ----
 * Written by `create`, read by every other command.  Fields are added as the
 * runtime grows; unknown ones are ignored on read, so old files stay readable. */
typedef struct casing_state
{
  char *id;           /* required */
  char *bundle;       /* required, absolute */
  char *rootfs;       /* absolute */
  char *created;      /* RFC 3339 */
  char *owner;
  bool has_pid;
  int64_t pid;        /* container init, as seen from the host */
  bool has_pid_start_time;
  uint64_t pid_start_time; /* /proc/PID/stat field 22: tells pid reuse apart */
  char *status;       /* last status we set: creating|created|running|stopped */
  char *config_path;  /* copy of the config used at create */
  char *cgroup_path;  /* the resolved cgroupsPath */
  bool has_systemd_cgroup;
  bool systemd_cgroup;
  bool has_rootless;
  bool rootless;
  bool has_detached;
  bool detached;
  oci_map *annotations;
  oci_map *extra;     /* free-form key/value store for subsystems (cgroup dirs, ...) */
} casing_state;

/* ---- API ----
 * Every function that can fail returns < 0 (or NULL) and, when `err` is not
 * NULL, stores a malloc'd message such as
 *   "config.json: process.user.uid: expected a non-negative integer"
 * which the caller frees. `name` is the file name used as the message prefix
 * (NULL: "config.json", "process.json", "resources", "state", "features" or
 * "state.json"); *_parse_file uses the path as given.
 *
 * Reading: unknown properties are ignored and a JSON null counts as absent;
 * documents over 16 MiB, nesting deeper than 64 levels, NUL bytes in
 * strings or keys, wrong types, values outside the schema's enums,
 * patterns and integer ranges are errors naming the JSON path
 * ("linux.namespaces[2].type", "linux.sysctl[\"net.ipv4.ip_forward\"]").
 * Writing: fields are emitted in a fixed order, absent ones omitted; the
 * same required/enum/pattern checks apply, so what is written reads back. */

int oci_config_parse_file (const char *path, oci_config **out, char **err);
int oci_config_parse_data (const char *data, size_t len, const char *name, oci_config **out, char **err);
char *oci_config_generate (const oci_config *c, bool pretty, char **err);

/* Collect-all parsing, for `casing check`: instead of stopping at the first
 * error, every type, enum, pattern, range, item-count and required-property
 * error is recorded, in document order, and the walk goes on.
 *
 * Contract of *out: what comes back satisfies every guarantee of
 * oci_config_parse_data (every required property is present and valid,
 * arrays and maps hold no NULL item), with the bad parts left absent:
 *  - a bad optional value is absent (NULL, has_<x> false);
 *  - a bad required property, or a bad item of an array or map, makes the
 *    enclosing object/array/map unusable, so the nearest optional value
 *    holding it is absent instead (a mount without destination: the whole
 *    `mounts` array; removing one item would shift the indices of the
 *    others, which the runtime checks report);
 *  - when that reaches the document itself (e.g. `ociVersion` missing),
 *    *out is NULL, as it is for invalid JSON, a document that is not an
 *    object, or out of memory (these are one problem with `fatal` set).
 * `skipped` tells which value each problem left absent, so that a caller
 * running the runtime checks on *out can ignore what they say about those
 * values (or below them): to those checks they merely look absent.
 *
 * Returns 0 when the document is valid (then *out and the problems are
 * exactly what oci_config_parse_data gives: a struct and none), -1
 * otherwise.  *problems (free it with oci_parse_problems_free) and
 * *n_problems are always set; -1 with no problem means out of memory. */
typedef struct oci_parse_problem
{
  char *path;    /* JSON path: "process.user.uid"; "" for the document */
  char *message; /* "expected a non-negative integer" */
  char *full;    /* "config.json: process.user.uid: expected a non-negative integer",
                    the message oci_config_parse_data gives for it */
  char *skipped; /* the path of the value left absent from *out because of
                    this problem: `path` or an enclosing one; "" when *out is NULL */
  bool fatal;    /* nothing else was checked */
} oci_parse_problem;

int oci_config_parse_data_all (const char *data, size_t len, const char *name, oci_config **out,
                               struct oci_parse_problem **problems, size_t *n_problems);
void oci_parse_problems_free (struct oci_parse_problem *problems, size_t n_problems);
void oci_config_free (oci_config *c);

/* An exec process.json: the `process` object on its own. */
int oci_process_parse_file (const char *path, oci_process **out, char **err);
int oci_process_parse_data (const char *data, size_t len, const char *name, oci_process **out, char **err);
char *oci_process_generate (const oci_process *p, bool pretty, char **err);
void oci_process_free (oci_process *p);

/* A `linux.resources` object on its own (`update --resources`). */
int oci_resources_parse_file (const char *path, oci_resources **out, char **err);
int oci_resources_parse_data (const char *data, size_t len, const char *name, oci_resources **out, char **err);
char *oci_resources_generate (const oci_resources *r, bool pretty, char **err);
void oci_resources_free (oci_resources *r);

int oci_state_parse_data (const char *data, size_t len, const char *name, oci_state **out, char **err);
char *oci_state_generate (const oci_state *s, bool pretty, char **err);
void oci_state_free (oci_state *s);

int oci_container_process_state_parse_data (const char *data, size_t len, const char *name,
                                            oci_container_process_state **out, char **err);
char *oci_container_process_state_generate (const oci_container_process_state *s, bool pretty, char **err);
void oci_container_process_state_free (oci_container_process_state *s);

int oci_features_parse_data (const char *data, size_t len, const char *name, oci_features **out, char **err);
char *oci_features_generate (const oci_features *f, bool pretty, char **err);
void oci_features_free (oci_features *f);

int casing_state_parse_file (const char *path, casing_state **out, char **err);
int casing_state_parse_data (const char *data, size_t len, const char *name, casing_state **out, char **err);
char *casing_state_generate (const casing_state *s, bool pretty, char **err);
void casing_state_free (casing_state *s);

/* Small helpers for building structs by hand (`casing spec`, tests). */
const char *oci_map_get (const oci_map *m, const char *key);
int oci_map_set (oci_map *m, const char *key, const char *value); /* replaces; -1 on ENOMEM */

#endif
