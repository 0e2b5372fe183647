/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "core/utils.h"

int
cmd_state (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  cleanup_free char *json = NULL;
  enum container_status status;
  const char *id;
  int r = cmd_parse_id_only ("state", "casing state ID", "Print the OCI state of a container.", argc,
                             argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  if (state_store_open (g->root, id, STATE_LOCK_SHARED_TRY, &h, err) < 0
      || container_status_get (h, &status, err) < 0)
    return -1;
  json = container_state_json (h, status, true, err);
  if (json == NULL)
    return -1;
  printf ("%s\n", json);
  return 0;
}
