/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cmd_container.h"
#include "cmd_options.h"

static const struct cmd_option start_opts[] = {
  { "help", 'h', CMD_OPT_FLAG, 1, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

static int
help_option (void *data, int key, const char *value, casing_error_t *err)
{
  (void) key, (void) value, (void) err;
  *(bool *) data = true;
  return 0;
}

int
cmd_start (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  bool help = false;
  const char *id;
  int first = cmd_parse_options ("start", start_opts, argc - 1, argv + 1, help_option, &help, err);

  if (first < 0)
    return -1;
  if (help)
    {
      cmd_print_help (stdout, "casing start ID", "Run the process of a created container.",
                      start_opts);
      return 0;
    }
  if (cmd_single_id ("start", first + 1, argc, argv, &id, err) < 0)
    return -1;
  return container_start (g->root, id, err);
}
