/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What this build and this host support, for the validation and
 * `casing features`: read on the host, before anything of a container
 * exists (and cached where it cannot change). */
#ifndef CASING_CONFINE_HOST_H
#define CASING_CONFINE_HOST_H

#include <stdbool.h>
#include <stdint.h>

/* The highest capability the running kernel knows (cap_last_cap). */
int caps_last_cap (void);

bool apparmor_host_enabled (void);
/* 1 when the profile `name` is loaded, 0 when it is not, -1 when the host
 * cannot tell (securityfs out of sight, a stacked or namespaced name). */
int apparmor_profile_loaded (const char *name);
bool selinux_host_enabled (void);
/* false when SELinux is on and the loaded policy does not know `label`
 * (security_check_context): the kernel would only say EINVAL later, from a
 * keyring, a mount or the exec label. */
bool selinux_label_known (const char *label);

/* fs.nr_open, the ceiling of RLIMIT_NOFILE (0, or -1 when unknown). */
int host_nr_open (uint64_t *out);
/* Whether casing itself has capability `cap` effective (in its own user
 * namespace). */
bool host_has_effective_cap (int cap);

/* libseccomp is built in. */
bool seccomp_built (void);
/* The running kernel takes SECCOMP_FILTER_FLAG_* `flag` (spec name). */
bool seccomp_flag_supported (const char *flag);
/* The running kernel has seccomp user notification (SCMP_ACT_NOTIFY). */
bool seccomp_notify_supported (void);

#endif
