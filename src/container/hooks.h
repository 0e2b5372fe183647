/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OCI hooks: each one runs with its path, args and env, the state JSON on
 * stdin, and an optional timeout enforced with a pidfd and poll(2). */
#ifndef CASING_HOOKS_H
#define CASING_HOOKS_H

#include <stddef.h>

#include "core/error.h"
#include "ocispec.h"

enum hook_kind
{
  HOOK_PRESTART,
  HOOK_CREATE_RUNTIME,
  HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER,
  HOOK_POSTSTART,
  HOOK_POSTSTOP,
};

const char *hook_kind_name (enum hook_kind kind);
/* The hooks of one kind in a config (NULL when none). */
const oci_hook *hooks_of_kind (const oci_config *config, enum hook_kind kind, size_t *n);

/* Run one hook and wait for it; fails when it cannot start, exits non-zero,
 * is killed, or outlives its timeout (then it is killed). */
int hook_run (const oci_hook *hook, enum hook_kind kind, size_t index, const char *state_json,
              casing_error_t *err);
/* Run every hook of a kind in order, stopping at the first failure. */
int hooks_run (const oci_config *config, enum hook_kind kind, const char *state_json,
               casing_error_t *err);

#endif
