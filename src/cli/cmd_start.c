/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd_container.h"
#include "cmd_options.h"

int
cmd_start (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  const char *id;
  int r = cmd_parse_id_only ("start", "casing start ID", "Run the process of a created container.", argc,
                             argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  return container_start (g->root, id, err);
}
