/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cmd_container.h"
#include "cmd_options.h"

enum delete_key
{
  D_FORCE = 1,
  D_HELP,
};

static const struct cmd_option delete_opts[] = {
  { "force", 'f', CMD_OPT_FLAG, D_FORCE, NULL, "kill a running container first" },
  { "help", 'h', CMD_OPT_FLAG, D_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct delete_cmd
{
  bool force, help;
};

static int
delete_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct delete_cmd *d = data;
  if (key == D_FORCE)
    return cmd_flag_value (value, &d->force, err);
  d->help = true;
  return 0;
}

int
cmd_delete (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct delete_cmd d = { 0 };
  const char *id;
  int first = cmd_parse_options ("delete", delete_opts, argc - 1, argv + 1, delete_option, &d, err);

  if (first < 0)
    return -1;
  if (d.help)
    {
      cmd_print_help (stdout, "casing delete [--force] ID",
                      "Remove a stopped container (--force: kill it first).", delete_opts);
      return 0;
    }
  if (cmd_single_id ("delete", first + 1, argc, argv, &id, err) < 0)
    return -1;
  return container_delete (g->root, id, d.force, cmd_log_warning, err);
}
