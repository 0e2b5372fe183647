/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The annotations casing acts on besides the spec (`casing features` lists
 * them as potentially unsafe: they change what the container gets):
 *   run.oci.keep_original_groups  no setgroups, the process keeps the
 *                                 groups of who ran casing (crun; Podman
 *                                 --group-add keep-groups);
 *   org.systemd.property.NAME      unit properties of the systemd driver's
 *                                 scope (runc; src/cgroups). */
#include <string.h>

#include "confine/confine.h"
#include "container_internal.h"

const char *const container_unsafe_annotations[] = {
  "run.oci.keep_original_groups",
  "org.systemd.property.",
  NULL,
};

static bool
annotation_true (const oci_config *c, const char *key)
{
  const char *v = c->annotations ? oci_map_get (c->annotations, key) : NULL;
  /* crun looks at its presence; "0" and "false" are read as off. */
  return v && strcmp (v, "0") != 0 && strcmp (v, "false") != 0;
}

void
container_apply_annotations (const oci_config *c)
{
  process_keep_original_groups (annotation_true (c, "run.oci.keep_original_groups"));
}
