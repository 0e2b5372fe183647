/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `casing features`: what this build supports (features.md), and nothing
 * more.  Every list here is what the code really handles. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "cmd_options.h"
#include "commands.h"
#include "runtime_features.h"
#include "ocispec.h"
#include "core/utils.h"

int
cmd_features (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  oci_features *f;
  char *json, *msg = NULL;
  int first;
  int r = cmd_parse_help_only ("features", "casing features",
                               "Print the OCI features JSON describing what this build of casing supports.",
                               argc, argv, &first, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  if (first < argc)
    return casing_error_set (err, 0, "features: unexpected argument `%s`", argv[first]);
  f = features_build ();
  features_add_checkpoint (f, g->criu);
  json = oci_features_generate (f, true, &msg);
  oci_features_free (f);
  if (json == NULL)
    return casing_error_take (err, EINVAL, msg);
  fputs (json, stdout);
  fputc ('\n', stdout);
  free (json);
  return 0;
}
