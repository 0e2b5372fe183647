/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CASING_RUNTIME_FEATURES_H
#define CASING_RUNTIME_FEATURES_H

#include "ocispec.h"

/* The features document of this build on this host (caller frees). */
oci_features *features_build (void);
/* run.casing.checkpoint.enabled: "true" only where criu (criu_path, else
 * searched) is there and `criu check` passes; run.casing.criu.version. */
void features_add_checkpoint (oci_features *f, const char *criu_path);

#endif
