/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "utils.h"

static const struct cmd_option state_opts[] = {
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
cmd_state (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  cleanup_free char *json = NULL;
  enum container_status status;
  bool help = false;
  const char *id;
  int first = cmd_parse_options ("state", state_opts, argc - 1, argv + 1, help_option, &help, err);

  if (first < 0)
    return -1;
  if (help)
    {
      cmd_print_help (stdout, "casing state ID", "Print the OCI state of a container.",
                      state_opts);
      return 0;
    }
  if (cmd_single_id ("state", first + 1, argc, argv, &id, err) < 0
      || state_store_open (g->root, id, STATE_LOCK_SHARED_TRY, &h, err) < 0
      || container_status_get (h, &status, err) < 0)
    return -1;
  json = container_state_json (h, status, true, err);
  if (json == NULL)
    return -1;
  printf ("%s\n", json);
  return 0;
}
