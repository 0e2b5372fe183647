/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec's vocabularies: each list is the one table of its names.  The
 * parser accepts exactly these (a schema enum), `casing features` reports
 * them, and the runtime (src/) maps each to what Linux takes by its index,
 * with a table keyed by these enums, never by writing the name again.
 * Each array is indexed by its enum and NULL-terminated. */
#ifndef OCISPEC_NAMES_H
#define OCISPEC_NAMES_H

/* linux.namespaces[].type */
enum oci_namespace_type
{
  OCI_NS_MOUNT, OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_UTS, OCI_NS_IPC, OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_TIME,
  OCI_NS_COUNT
};
extern const char *const oci_namespace_types[OCI_NS_COUNT + 1];

/* linux.seccomp.defaultAction, syscalls[].action */
enum oci_seccomp_action
{
  OCI_SCMP_ACT_KILL, OCI_SCMP_ACT_KILL_PROCESS, OCI_SCMP_ACT_KILL_THREAD, OCI_SCMP_ACT_TRAP, OCI_SCMP_ACT_ERRNO,
  OCI_SCMP_ACT_TRACE, OCI_SCMP_ACT_ALLOW, OCI_SCMP_ACT_LOG, OCI_SCMP_ACT_NOTIFY,
  OCI_SCMP_ACT_COUNT
};
extern const char *const oci_seccomp_actions[OCI_SCMP_ACT_COUNT + 1];

/* linux.seccomp.syscalls[].args[].op */
enum oci_seccomp_operator
{
  OCI_SCMP_CMP_NE, OCI_SCMP_CMP_LT, OCI_SCMP_CMP_LE, OCI_SCMP_CMP_EQ, OCI_SCMP_CMP_GE, OCI_SCMP_CMP_GT,
  OCI_SCMP_CMP_MASKED_EQ,
  OCI_SCMP_CMP_COUNT
};
extern const char *const oci_seccomp_operators[OCI_SCMP_CMP_COUNT + 1];

/* linux.seccomp.flags */
enum oci_seccomp_flag
{
  OCI_SECCOMP_FLAG_TSYNC, OCI_SECCOMP_FLAG_LOG, OCI_SECCOMP_FLAG_SPEC_ALLOW, OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV,
  OCI_SECCOMP_FLAG_COUNT
};
extern const char *const oci_seccomp_flags[OCI_SECCOMP_FLAG_COUNT + 1];

/* linux.seccomp.architectures: "SCMP_ARCH_X86_64"... (libseccomp's names
 * in upper case; no value of ours, hence no enum). */
extern const char *const oci_seccomp_archs[];

/* linux.memoryPolicy.mode and .flags */
enum oci_mempolicy_mode
{
  OCI_MPOL_DEFAULT, OCI_MPOL_BIND, OCI_MPOL_INTERLEAVE, OCI_MPOL_WEIGHTED_INTERLEAVE, OCI_MPOL_PREFERRED,
  OCI_MPOL_PREFERRED_MANY, OCI_MPOL_LOCAL,
  OCI_MPOL_COUNT
};
extern const char *const oci_mempolicy_modes[OCI_MPOL_COUNT + 1];
enum oci_mempolicy_flag
{
  OCI_MPOL_F_NUMA_BALANCING, OCI_MPOL_F_RELATIVE_NODES, OCI_MPOL_F_STATIC_NODES,
  OCI_MPOL_F_COUNT
};
extern const char *const oci_mempolicy_flags[OCI_MPOL_F_COUNT + 1];

/* linux.personality.domain */
enum oci_personality_domain
{
  OCI_PER_LINUX, OCI_PER_LINUX32,
  OCI_PER_COUNT
};
extern const char *const oci_personality_domains[OCI_PER_COUNT + 1];

/* process.ioPriority.class */
enum oci_ioprio_class
{
  OCI_IOPRIO_CLASS_RT, OCI_IOPRIO_CLASS_BE, OCI_IOPRIO_CLASS_IDLE,
  OCI_IOPRIO_CLASS_COUNT
};
extern const char *const oci_ioprio_classes[OCI_IOPRIO_CLASS_COUNT + 1];

/* process.scheduler.policy and .flags */
enum oci_sched_policy
{
  OCI_SCHED_OTHER, OCI_SCHED_FIFO, OCI_SCHED_RR, OCI_SCHED_BATCH, OCI_SCHED_ISO, OCI_SCHED_IDLE,
  OCI_SCHED_DEADLINE,
  OCI_SCHED_COUNT
};
extern const char *const oci_sched_policies[OCI_SCHED_COUNT + 1];
enum oci_sched_flag
{
  OCI_SCHED_FLAG_RESET_ON_FORK, OCI_SCHED_FLAG_RECLAIM, OCI_SCHED_FLAG_DL_OVERRUN, OCI_SCHED_FLAG_KEEP_POLICY,
  OCI_SCHED_FLAG_KEEP_PARAMS, OCI_SCHED_FLAG_UTIL_CLAMP_MIN, OCI_SCHED_FLAG_UTIL_CLAMP_MAX,
  OCI_SCHED_FLAG_COUNT
};
extern const char *const oci_sched_flags[OCI_SCHED_FLAG_COUNT + 1];

/* The index of `name` in a NULL-terminated list above, or -1. */
int oci_name_index (const char *const *names, const char *name);

#endif
