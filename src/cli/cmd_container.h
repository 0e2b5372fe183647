/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the container lifecycle subcommands. */
#ifndef CASING_CMD_CONTAINER_H
#define CASING_CMD_CONTAINER_H

#include <stdbool.h>

#include "commands.h"
#include "container/container.h"

/* Options common to `create` and `run`. */
struct create_cmd
{
  struct container_create_options o;
  bool detach, keep, no_subreaper, help;
};

/* Parse `create`/`run` arguments (argv[0] is the command name); on success
 * the id is in c->o.id. */
int create_cmd_parse (const char *command, bool is_run, struct global_options *g, int argc,
                      char **argv, struct create_cmd *c, casing_error_t *err);

/* Logs a library warning (poststop hooks...). */
void cmd_log_warning (const char *msg);

#endif
