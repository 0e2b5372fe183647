/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether casing runs without the host's root privileges ("rootless"), and
 * where a rootless casing keeps its state by default. */
#ifndef CASING_ROOTLESS_H
#define CASING_ROOTLESS_H

#include <stdbool.h>

#include "error.h"

/* True when this process is in a user namespace other than the host's
 * initial one: its uid_map is not the identity map of all 2^32-1 ids. */
bool rootless_in_user_namespace (void);

/* `--rootless auto`: an euid other than 0, or uid 0 of a user namespace
 * someone made for us (rootless Podman, rootlesskit), which has no
 * privilege over the host's cgroups, devices or file systems. */
bool rootless_detect (void);

/* The default state root of a rootless casing: $XDG_RUNTIME_DIR/casing, as
 * runc and crun do; uid 0 of a user namespace without XDG_RUNTIME_DIR keeps
 * `fallback` (it owns its /run).  Fails with a message naming --root when an
 * unprivileged user has no XDG_RUNTIME_DIR.  *out is allocated. */
int rootless_state_root (const char *fallback, char **out, casing_error_t *err);

#endif
