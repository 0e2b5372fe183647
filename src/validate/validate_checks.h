/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The groups of checks behind validate_config(), one file per concern. */
#ifndef CASING_VALIDATE_CHECKS_H
#define CASING_VALIDATE_CHECKS_H

#include "validate.h"

void validate_user (const oci_user *user, struct problem_list *out);
void validate_capabilities (const oci_capabilities *caps, struct problem_list *out);
void validate_rlimits (const oci_process *process, struct problem_list *out);
void validate_lsm (const oci_config *config, struct problem_list *out);
void validate_mounts (const oci_config *config, struct problem_list *out);
void validate_linux (const oci_config *config, struct problem_list *out);
void validate_seccomp (const oci_seccomp *seccomp, struct problem_list *out);


#endif
