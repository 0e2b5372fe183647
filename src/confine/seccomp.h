/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp filter: linux.seccomp compiled once into a BPF program by
 * the validation (src/validate/validate_seccomp.c), which `create` hands to
 * the container's init; the init only loads it. */
#ifndef CASING_CONFINE_SECCOMP_H
#define CASING_CONFINE_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "ocispec.h"

struct seccomp_program; /* an opaque compiled filter */

/* Compile, talking to nobody (validation, `check` included).  Messages
 * start with the JSON path of the value at fault. */
int seccomp_compile (const oci_seccomp *seccomp, struct seccomp_program **out, casing_error_t *err);
/* Connect to linux.seccomp.listenerPath when the filter notifies (no-op
 * otherwise), in the runtime before clone: once the child has pivoted into
 * the container, that host path is out of reach. */
int seccomp_connect_listener (struct seccomp_program *prog, const oci_seccomp *seccomp, casing_error_t *err);
/* Both, for `exec` (its config was validated at create). */
int seccomp_prepare (const oci_seccomp *seccomp, struct seccomp_program **out, casing_error_t *err);

/* Load the filter.  When it has SCMP_ACT_NOTIFY rules the listener fd is
 * returned in *notify_fd (else -1). */
int seccomp_program_load (struct seccomp_program *prog, int *notify_fd, casing_error_t *err);
/* Send the notify fd and the container state (the OCI state JSON, its
 * "pid" is used) to linux.seccomp.listenerPath, over the connection that
 * seccomp_connect_listener() made when this is the program loaded by this
 * process, else over a new one. */
int seccomp_send_notify_fd (const oci_seccomp *seccomp, int notify_fd, const char *state_json,
                            casing_error_t *err);
void seccomp_program_free (struct seccomp_program *prog);
/* The listenerPath connection (or -1): an fd the child must keep until it
 * sends the notify fd. */
int seccomp_program_listener_fd (const struct seccomp_program *prog);

/* What the filter lets through: the final execveat of the container
 * process (else it is executed with execve), a clone with `flags`. */
bool seccomp_program_allows_execveat (const struct seccomp_program *prog);
bool seccomp_program_allows_clone (const struct seccomp_program *prog, uint64_t flags);

#endif
