/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confinement and the attributes of the container process: capabilities,
 * seccomp, no_new_privs, AppArmor/SELinux labels, session keyring, rlimits,
 * oom_score_adj, scheduler, I/O priority, CPU affinity, memory policy, user.
 *
 * The container setup (src/container/) calls, in the child:
 *   keyring_create_session()      (unless --no-new-keyring), before pivot
 *   process_apply_rlimits(), process_apply_oom_score_adj(),
 *   process_apply_scheduler(), process_apply_io_priority(),
 *   process_apply_memory_policy()
 *   then, right before execve(), after the start signal: lsm_set_exec_label(),
 *   and in one call confine_before_exec(): process_set_user()
 *   (setgroups/setresgid/setresuid, umask, keeping caps across the uid
 *   change), caps, no_new_privs and seccomp_program_load() in the order the
 *   filter needs; then seccomp_send_notify_fd() when a listener fd came
 *   back, and the exec of the verified program (src/container/exec_program.h).
 * process_apply_cpu_affinity() is for `exec` only (config.md: not the
 * container init): `initial` before the cgroup join, `final` after it.
 * seccomp_prepare() runs in the parent before clone (and in `exec`), so a bad
 * filter fails early, the listener is connected while its host path is
 * still reachable, and the child only loads the filter.  self_exe_seal()
 * and self_exe_protect() run first of all in create/run/exec. */
#ifndef CASING_CONFINE_H
#define CASING_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/error.h"
#include "ocispec.h"

struct seccomp_program; /* an opaque compiled filter */

int seccomp_prepare (const oci_seccomp *seccomp, struct seccomp_program **out, casing_error_t *err);
/* Load the filter.  When it has SCMP_ACT_NOTIFY rules the listener fd is
 * returned in *notify_fd (else -1). */
int seccomp_program_load (struct seccomp_program *prog, int *notify_fd, casing_error_t *err);
/* Send the notify fd and the container state (the OCI state JSON, its
 * "pid" is used) to linux.seccomp.listenerPath, over the connection that
 * seccomp_prepare() made when this is the program loaded by this process,
 * else over a new one. */
int seccomp_send_notify_fd (const oci_seccomp *seccomp, int notify_fd, const char *state_json,
                            casing_error_t *err);
void seccomp_program_free (struct seccomp_program *prog);
/* The listenerPath connection made by seccomp_prepare() (or -1): an fd the
 * child must keep until it sends the notify fd. */
int seccomp_program_listener_fd (const struct seccomp_program *prog);

int caps_apply (const oci_capabilities *caps, casing_error_t *err);
/* Fail on capability names casing does not know (exact "CAP_XXX"); warn
 * and skip those the running kernel lacks. */
int caps_validate_names (const oci_capabilities *caps, casing_error_t *err);

int lsm_set_exec_label (const oci_process *process, casing_error_t *err);
int keyring_create_session (const char *container_id, const char *selinux_label, casing_error_t *err);

int process_set_user (const oci_process *process, casing_error_t *err);
/* Make process_set_user leave the supplementary groups as they are
 * (the annotation run.oci.keep_original_groups, as crun has it). */
void process_keep_original_groups (bool keep);
int process_apply_rlimits (const oci_process *process, casing_error_t *err);
int process_apply_oom_score_adj (const oci_process *process, casing_error_t *err);
int process_apply_scheduler (const oci_process *process, casing_error_t *err);
int process_apply_io_priority (const oci_process *process, casing_error_t *err);
int process_apply_cpu_affinity (const char *cpus, casing_error_t *err);
int process_apply_memory_policy (const oci_memory_policy *policy, casing_error_t *err);
int process_set_no_new_privs (const oci_process *process, casing_error_t *err);

/* CVE-2019-5736 (exe_protect.c).  self_exe_startup() first thing in main;
 * self_exe_seal() in create/run/exec before anything else: re-executes
 * casing from a read-only (or sealed) copy of itself unless it already
 * runs from one; self_exe_protect() then makes us non-dumpable. */
void self_exe_startup (void);
int self_exe_seal (char **argv, casing_error_t *err);
int self_exe_protect (casing_error_t *err);
/* Whether `st` is the casing executable (same file, whatever the path). */
bool self_exe_is (const struct stat *st);

/* What the filter lets through: the final execveat of the container
 * process (else it is executed with execve), a clone with `flags`. */
bool seccomp_program_allows_execveat (const struct seccomp_program *prog);
bool seccomp_program_allows_clone (const struct seccomp_program *prog, uint64_t flags);

/* All of the "right before execve()" steps after the LSM label (set by the
 * caller before it drops its procfs handles), in the order they need:
 * process_set_user,
 * the capability sets, no_new_privs and seccomp_load.  With
 * noNewPrivileges the filter is loaded last, so none of our setup is
 * filtered; without it seccomp(2) needs CAP_SYS_ADMIN, so the filter is
 * loaded after the uid change and the bounding-set drop but before the
 * final capset (only capset and the ambient prctls run under it).
 * *notify_fd gets the listener fd (or -1).  The caller then does
 * seccomp_send_notify_fd() and the exec (src/container/exec_program.h). */
int confine_before_exec (const oci_process *process, struct seccomp_program *prog, int *notify_fd,
                         casing_error_t *err);

/* ---- validation without side effects (create, `casing check`) ---- */
int process_validate_rlimits (const oci_process *process, casing_error_t *err);
int lsm_validate (const oci_process *process, casing_error_t *err);
/* Everything of process.* and linux.seccomp/memoryPolicy that can be
 * checked before the container exists; the first problem is returned. */
int confine_validate (const oci_config *config, casing_error_t *err);
/* The same, but every area's first problem, for `casing check`: returns the
 * count; *problems is a NULL-terminated malloc'd array of malloc'd
 * messages (free each, then the array). */
size_t confine_collect_problems (const oci_config *config, char ***problems);

/* ---- name tables for `casing features` and `casing check` ----
 * NULL-terminated, static. */
const char *const *caps_known_names (void);   /* CAP_CHOWN ... by value */
const char *const *seccomp_known_actions (void);
const char *const *seccomp_known_operators (void);
const char *const *seccomp_known_flags (void); /* SECCOMP_FILTER_FLAG_* */
bool seccomp_flag_supported (const char *flag); /* by the running kernel */
/* SCMP_ARCH_* names of the libseccomp casing is built with (NULL-terminated,
 * malloc'd array of static strings; free the array only). */
const char **seccomp_known_archs (void);
bool seccomp_built (void);
bool apparmor_host_enabled (void);
bool selinux_host_enabled (void);
/* false when SELinux is on and the loaded policy does not know `label`
 * (security_check_context): create checks it before anything exists,
 * where the kernel would only say EINVAL later, from a keyring or a mount. */
bool selinux_label_known (const char *label);
int rlimit_from_name (const char *name); /* RLIMIT_* -> resource, or -1 */
/* Compiled filter's verdict for a syscall (SECCOMP_RET_*), for tests. */
uint32_t seccomp_program_simulate (const struct seccomp_program *prog, const char *syscall_name,
                                   const uint64_t args[6]);

#endif
