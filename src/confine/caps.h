/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capability sets of the process (caps.c), in steps so that seccomp
 * can be loaded in between; exposed for the unit tests.  The names are in
 * names.h. */
#ifndef CASING_CONFINE_CAPS_H
#define CASING_CONFINE_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ocispec.h"

/* Drop from the bounding set every capability up to `last` that is in
 * `now` and not in `keep` (exposed for tests: `last` is the running
 * kernel's caps_last_cap() in the runtime). */
int caps_drop_bounding (uint64_t keep, uint64_t now, int last, casing_error_t *err);

/* The five sets as bit masks, resolved against the running kernel: names
 * casing or the kernel does not know are skipped (the validation warned:
 * config.md asks for a warning, not a failure; they only take away). */
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
