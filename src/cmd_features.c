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
#include "utils.h"

static const struct cmd_option features_opts[] = {
  { "help", 'h', CMD_OPT_FLAG, 1, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

static int
features_option (void *data, int key, const char *value, casing_error_t *err)
{
  (void) key, (void) value, (void) err;
  *(bool *) data = true;
  return 0;
}

int
cmd_features (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  bool help = false;
  oci_features *f;
  char *json, *msg = NULL;
  int first;

  (void) g;
  first = cmd_parse_options ("features", features_opts, argc - 1, argv + 1, features_option, &help, err);
  if (first < 0)
    return -1;
  if (help)
    {
      cmd_print_help (stdout, "casing features",
                      "Print the OCI features JSON describing what this build of casing supports.",
                      features_opts);
      return 0;
    }
  if (first + 1 < argc)
    return casing_error_set (err, 0, "features: unexpected argument `%s`", argv[first + 1]);
  f = features_build ();
  json = oci_features_generate (f, true, &msg);
  oci_features_free (f);
  if (json == NULL)
    return casing_error_take (err, EINVAL, msg);
  fputs (json, stdout);
  fputc ('\n', stdout);
  free (json);
  return 0;
}
