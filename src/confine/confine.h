/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confinement and the attributes of the container process: capabilities,
 * seccomp, no_new_privs, AppArmor/SELinux labels, session keyring, rlimits,
 * oom_score_adj, scheduler, I/O priority, CPU affinity, memory policy, user.
 *
 * The container setup (src/container/) calls, in the child:
 *   keyring_create_session()      (unless --no-new-keyring), before pivot
 *   process_apply_rlimits(), process_apply_oom_score_adj(),
 *   process_apply_scheduler(), process_apply_io_priority(),
 *   process_apply_cpu_affinity(initial), process_apply_memory_policy()
 *   then, right before execve(), after the start signal:
 *   lsm_set_exec_label()
 *   process_set_user()            (setgroups/setresgid/setresuid, umask,
 *                                  keeping caps across the uid change)
 *   caps_apply()
 *   no_new_privs + seccomp_load() (in the order the filter needs)
 *   process_apply_cpu_affinity(final) after exec is not possible, so it is
 *   applied just before execve.
 * seccomp_prepare() runs in the parent before clone (and in `exec`), so a bad
 * filter fails early and the child only loads it. */
#ifndef CASING_CONFINE_H
#define CASING_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../error.h"
#include "ocispec.h"

struct seccomp_program; /* an opaque compiled filter */

int seccomp_prepare (const oci_seccomp *seccomp, struct seccomp_program **out, casing_error_t *err);
/* Load the filter.  When it has SCMP_ACT_NOTIFY rules the listener fd is
 * returned in *notify_fd (else -1). */
int seccomp_load (struct seccomp_program *prog, int *notify_fd, casing_error_t *err);
/* Send the notify fd and the container state to linux.seccomp.listenerPath. */
int seccomp_send_notify_fd (const oci_seccomp *seccomp, int notify_fd, const char *state_json,
                            casing_error_t *err);
void seccomp_program_free (struct seccomp_program *prog);

int caps_apply (const oci_capabilities *caps, casing_error_t *err);
/* Fail on capability names libcap does not know; warn-and-skip those the
 * running kernel lacks. */
int caps_validate_names (const oci_capabilities *caps, casing_error_t *err);

int lsm_set_exec_label (const oci_process *process, casing_error_t *err);
int keyring_create_session (const char *container_id, const char *selinux_label, casing_error_t *err);

int process_set_user (const oci_process *process, casing_error_t *err);
int process_apply_rlimits (const oci_process *process, casing_error_t *err);
int process_apply_oom_score_adj (const oci_process *process, casing_error_t *err);
int process_apply_scheduler (const oci_process *process, casing_error_t *err);
int process_apply_io_priority (const oci_process *process, casing_error_t *err);
int process_apply_cpu_affinity (const char *cpus, casing_error_t *err);
int process_apply_memory_policy (const oci_memory_policy *policy, casing_error_t *err);
int process_set_no_new_privs (const oci_process *process, casing_error_t *err);

/* CVE-2019-5736: make sure nothing inside the container can reopen and
 * overwrite the casing binary through /proc/self/exe or /proc/PID/exe.
 * Called by create/run/exec before anything of the container is joined. */
int self_exe_protect (casing_error_t *err);

#endif
