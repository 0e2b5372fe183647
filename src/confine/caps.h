/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability names and masks, shared by caps.c, `casing features` and
 * `casing check`. */
#ifndef CASING_CONFINE_CAPS_H
#define CASING_CONFINE_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ocispec.h"

/* The capability names casing knows, "CAP_CHOWN" ..., index = value;
 * NULL-terminated.  Includes those newer than the running kernel. */
const char *const *caps_known_names (void);
/* Value of "CAP_XXX" (exact, upper case), or -1. */
int cap_from_name_strict (const char *name);
/* The highest capability the running kernel knows (cap_last_cap). */
int caps_last_cap (void);

/* "CAP_XXX", or "capability N" written in `buf` when our table has no
 * name for `v` (a kernel newer than casing). */
const char *caps_name_of (int v, char *buf, size_t len);
/* Drop from the bounding set every capability up to `last` that is in
 * `now` and not in `keep` (exposed for tests: `last` is the running
 * kernel's caps_last_cap() in the runtime). */
int caps_drop_bounding (uint64_t keep, uint64_t now, int last, casing_error_t *err);

/* The five sets as bit masks, resolved against the running kernel:
 * unknown names fail, names the kernel lacks are dropped with a warning. */
struct caps_masks
{
  uint64_t bounding, effective, inheritable, permitted, ambient;
};
int caps_parse (const oci_capabilities *caps, struct caps_masks *out, casing_error_t *err);

/* caps_apply() in two steps, so that seccomp can be loaded in between
 * while CAP_SYS_ADMIN is still effective: begin fixes the bounding set and
 * plans the others, end sets them. */
int caps_apply_begin (const oci_capabilities *caps, struct caps_masks *plan, casing_error_t *err);
int caps_apply_end (const struct caps_masks *plan, casing_error_t *err);

#endif
