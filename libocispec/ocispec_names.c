/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec's vocabularies (ocispec_names.h), each written once, bound to
 * its enum by designated initializers so that an index cannot drift. */
#include <string.h>

#include "ocispec.h"

const char *const oci_namespace_types[OCI_NS_COUNT + 1] = {
  [OCI_NS_MOUNT] = "mount", [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network", [OCI_NS_UTS] = "uts",
  [OCI_NS_IPC] = "ipc",     [OCI_NS_USER] = "user",     [OCI_NS_CGROUP] = "cgroup",   [OCI_NS_TIME] = "time",
};

const char *const oci_seccomp_actions[OCI_SCMP_ACT_COUNT + 1] = {
  [OCI_SCMP_ACT_KILL] = "SCMP_ACT_KILL",
  [OCI_SCMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
  [OCI_SCMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
  [OCI_SCMP_ACT_TRAP] = "SCMP_ACT_TRAP",
  [OCI_SCMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
  [OCI_SCMP_ACT_TRACE] = "SCMP_ACT_TRACE",
  [OCI_SCMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
  [OCI_SCMP_ACT_LOG] = "SCMP_ACT_LOG",
  [OCI_SCMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

const char *const oci_seccomp_operators[OCI_SCMP_CMP_COUNT + 1] = {
  [OCI_SCMP_CMP_NE] = "SCMP_CMP_NE", [OCI_SCMP_CMP_LT] = "SCMP_CMP_LT", [OCI_SCMP_CMP_LE] = "SCMP_CMP_LE",
  [OCI_SCMP_CMP_EQ] = "SCMP_CMP_EQ", [OCI_SCMP_CMP_GE] = "SCMP_CMP_GE", [OCI_SCMP_CMP_GT] = "SCMP_CMP_GT",
  [OCI_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *const oci_seccomp_flags[OCI_SECCOMP_FLAG_COUNT + 1] = {
  [OCI_SECCOMP_FLAG_TSYNC] = "SECCOMP_FILTER_FLAG_TSYNC",
  [OCI_SECCOMP_FLAG_LOG] = "SECCOMP_FILTER_FLAG_LOG",
  [OCI_SECCOMP_FLAG_SPEC_ALLOW] = "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  [OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV] = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* config-linux.md's list (libseccomp 2.6). */
const char *const oci_seccomp_archs[] = {
  "SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",   "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",      "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",      "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",       "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",     "SCMP_ARCH_SH",          "SCMP_ARCH_SHEB",
  "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",     NULL,
};

const char *const oci_mempolicy_modes[OCI_MPOL_COUNT + 1] = {
  [OCI_MPOL_DEFAULT] = "MPOL_DEFAULT",
  [OCI_MPOL_BIND] = "MPOL_BIND",
  [OCI_MPOL_INTERLEAVE] = "MPOL_INTERLEAVE",
  [OCI_MPOL_WEIGHTED_INTERLEAVE] = "MPOL_WEIGHTED_INTERLEAVE",
  [OCI_MPOL_PREFERRED] = "MPOL_PREFERRED",
  [OCI_MPOL_PREFERRED_MANY] = "MPOL_PREFERRED_MANY",
  [OCI_MPOL_LOCAL] = "MPOL_LOCAL",
};

const char *const oci_mempolicy_flags[OCI_MPOL_F_COUNT + 1] = {
  [OCI_MPOL_F_NUMA_BALANCING] = "MPOL_F_NUMA_BALANCING",
  [OCI_MPOL_F_RELATIVE_NODES] = "MPOL_F_RELATIVE_NODES",
  [OCI_MPOL_F_STATIC_NODES] = "MPOL_F_STATIC_NODES",
};

const char *const oci_personality_domains[OCI_PER_COUNT + 1] = {
  [OCI_PER_LINUX] = "LINUX",
  [OCI_PER_LINUX32] = "LINUX32",
};

const char *const oci_ioprio_classes[OCI_IOPRIO_CLASS_COUNT + 1] = {
  [OCI_IOPRIO_CLASS_RT] = "IOPRIO_CLASS_RT",
  [OCI_IOPRIO_CLASS_BE] = "IOPRIO_CLASS_BE",
  [OCI_IOPRIO_CLASS_IDLE] = "IOPRIO_CLASS_IDLE",
};

const char *const oci_sched_policies[OCI_SCHED_COUNT + 1] = {
  [OCI_SCHED_OTHER] = "SCHED_OTHER", [OCI_SCHED_FIFO] = "SCHED_FIFO", [OCI_SCHED_RR] = "SCHED_RR",
  [OCI_SCHED_BATCH] = "SCHED_BATCH", [OCI_SCHED_ISO] = "SCHED_ISO",   [OCI_SCHED_IDLE] = "SCHED_IDLE",
  [OCI_SCHED_DEADLINE] = "SCHED_DEADLINE",
};

const char *const oci_sched_flags[OCI_SCHED_FLAG_COUNT + 1] = {
  [OCI_SCHED_FLAG_RESET_ON_FORK] = "SCHED_FLAG_RESET_ON_FORK",
  [OCI_SCHED_FLAG_RECLAIM] = "SCHED_FLAG_RECLAIM",
  [OCI_SCHED_FLAG_DL_OVERRUN] = "SCHED_FLAG_DL_OVERRUN",
  [OCI_SCHED_FLAG_KEEP_POLICY] = "SCHED_FLAG_KEEP_POLICY",
  [OCI_SCHED_FLAG_KEEP_PARAMS] = "SCHED_FLAG_KEEP_PARAMS",
  [OCI_SCHED_FLAG_UTIL_CLAMP_MIN] = "SCHED_FLAG_UTIL_CLAMP_MIN",
  [OCI_SCHED_FLAG_UTIL_CLAMP_MAX] = "SCHED_FLAG_UTIL_CLAMP_MAX",
};

int
oci_name_index (const char *const *names, const char *name)
{
  for (int i = 0; name && names[i]; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return -1;
}
