/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>

#include "commands.h"

/* One line per subcommand; `casing --help` lists them in this order. */
const struct command casing_commands[] = {
  { "spec", cmd_spec, "write a default config.json into the bundle" },
  { "features", cmd_features, "print the OCI features JSON of this build" },
  { "check", cmd_check, "validate a bundle without creating anything" },
  { NULL, NULL, NULL },
};
