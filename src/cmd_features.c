/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include "commands.h"

int
cmd_features (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  (void) g; (void) argc; (void) argv;
  return casing_error_set (err, ENOSYS, "features: being written");
}
