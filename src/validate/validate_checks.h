/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The groups of checks behind validate_config(), one file per concern,
 * and the helpers they share (validate.c). */
#ifndef CASING_VALIDATE_CHECKS_H
#define CASING_VALIDATE_CHECKS_H

#include "validate.h"

/* A warning that only `create` can decide (a path in the container...). */
void problems_undecided (struct problem_list *l, const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* An error from the code that converts or applies a value: its message
 * starts with the JSON path, taken as the problem's when within `within`. */
void problems_add_error (struct problem_list *l, const char *within, const char *hint, const casing_error_t err);
/* Whether an error was added since `since` at a path starting with `prefix`. */
bool problems_at (const struct problem_list *l, size_t since, const char *prefix);

/* validate_process.c: process.* (user, capabilities, rlimits, oomScoreAdj,
 * scheduler, ioPriority, execCPUAffinity, args and cwd); `rootfs` is the
 * host path of root.path, NULL when it is unusable. */
void validate_process (const oci_config *config, const char *rootfs, struct problem_list *out);
/* The checks that need nothing but the process (`exec`). */
void validate_process_alone (const oci_process *process, struct problem_list *out);
/* validate_ids.c: user ids and id mappings (linux.uidMappings, mounts[]). */
void validate_user (const oci_user *user, struct problem_list *out);
void validate_id_mappings (const oci_config *config, struct problem_list *out);
/* validate_lsm.c: process.apparmorProfile, process.selinuxLabel, linux.mountLabel. */
void validate_lsm (const oci_config *config, struct problem_list *out);
/* validate_mounts.c: mounts, maskedPaths, readonlyPaths. */
void validate_mounts (const oci_config *config, const char *bundle, struct problem_list *out);
/* validate_linux.c: namespaces, hostname, time offsets, devices, sysctl,
 * personality, memory policy. */
void validate_linux (const oci_config *config, struct problem_list *out);
/* validate_seccomp.c: linux.seccomp, compiled; the program goes to *prog. */
void validate_seccomp (const oci_seccomp *seccomp, struct problem_list *out, struct seccomp_program **prog);
/* validate_probe.c: what the kernel of this host answers to the process
 * attributes, asked by a short-lived process. */
void validate_probe (const oci_config *config, struct problem_list *out);

#endif
