/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confinement applied by the process itself: capabilities, seccomp,
 * no_new_privs, AppArmor/SELinux labels, session keyring, rlimits,
 * oom_score_adj, scheduler, I/O priority, CPU affinity, memory policy,
 * user.  Every value was checked by the validation (src/validate/) before
 * anything existed: these only convert and apply.
 *
 * The container setup (src/container/) calls, in the child:
 *   keyring_create_session()      (unless --no-new-keyring), before pivot
 *   process_apply_oom_score_adj(), process_apply_scheduler(),
 *   process_apply_io_priority(), process_apply_memory_policy()
 *   then, right before execve(), after the start signal: lsm_set_exec_label(),
 *   and in one call confine_before_exec(): process_apply_rlimits(), process_set_user()
 *   (setgroups/setresgid/setresuid, umask, keeping caps across the uid
 *   change), caps, no_new_privs and seccomp_program_load() in the order the
 *   filter needs; then seccomp_send_notify_fd() when a listener fd came
 *   back, and the exec of the verified program (src/container/exec_program.h).
 * process_apply_cpu_affinity() is for `exec` only (config.md: not the
 * container init): `initial` before the cgroup join, `final` after it. */
#ifndef CASING_CONFINE_H
#define CASING_CONFINE_H

#include <stdbool.h>

#include "core/error.h"
#include "ocispec.h"
#include "seccomp.h"

int caps_apply (const oci_capabilities *caps, casing_error_t *err);
int lsm_set_exec_label (const oci_process *process, casing_error_t *err);
int keyring_create_session (const char *container_id, const char *selinux_label, casing_error_t *err);

int process_set_user (const oci_process *process, casing_error_t *err);
/* Make process_set_user leave the supplementary groups as they are
 * (the annotation run.oci.keep_original_groups, as crun has it). */
void process_keep_original_groups (bool keep);
int process_apply_rlimits (const oci_process *process, casing_error_t *err);
int process_apply_oom_score_adj (const oci_process *process, casing_error_t *err);
int process_apply_scheduler (const oci_process *process, casing_error_t *err);
/* SCHED_DEADLINE without SCHED_FLAG_RESET_ON_FORK: the process may not
 * fork (hooks, exec's clone), so the policy is set right before exec. */
bool process_scheduler_forbids_fork (const oci_process *process);
/* Set the policy and put the previous one back: the kernel's answer
 * (admission of a deadline) without keeping it. */
int process_test_scheduler (const oci_process *process, casing_error_t *err);
int process_apply_io_priority (const oci_process *process, casing_error_t *err);
int process_apply_cpu_affinity (const char *cpus, casing_error_t *err);
int process_apply_memory_policy (const oci_memory_policy *policy, casing_error_t *err);
int process_set_no_new_privs (const oci_process *process, casing_error_t *err);

/* All of the "right before execve()" steps after the LSM label (set by the
 * caller before it drops its procfs handles), in the order they need:
 * process_apply_rlimits, process_set_user, the capability sets,
 * no_new_privs and seccomp_load.
 * With noNewPrivileges the filter is loaded last, so none of our setup is
 * filtered; without it seccomp(2) needs CAP_SYS_ADMIN, so the filter is
 * loaded after the uid change and the bounding-set drop but before the
 * final capset (only capset and the ambient prctls run under it).
 * *notify_fd gets the listener fd (or -1).  The caller then does
 * seccomp_send_notify_fd() and the exec (src/container/exec_program.h).
 * `cwd_as_user` (a chdir denied as root) is entered and verified right
 * after the uid change. */
int confine_before_exec (const oci_process *process, struct seccomp_program *prog, int *notify_fd,
                         const char *cwd_as_user, casing_error_t *err);
/* CVE-2024-21626: the cwd must be inside the container's root (getcwd()
 * says "(unreachable)" for a directory outside it, or a deleted one).
 * Called right after each chdir, before the config's filter is loaded:
 * that filter may refuse getcwd. */
int confine_verify_cwd (const char *cwd, casing_error_t *err);

#endif
