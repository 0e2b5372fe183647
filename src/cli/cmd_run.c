/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "cmd_container.h"
#include "core/trace.h"
#include "core/utils.h"

static int
run_detached (struct create_cmd *c, casing_error_t *err)
{
  struct container_created created;

  if (container_create (&c->o, &created, err) < 0)
    return -1;
  if (container_start (c->o.root, c->o.id, err) < 0)
    {
      (void) container_delete (c->o.root, c->o.id, true, cmd_log_warning, NULL);
      return -1;
    }
  return 0;
}

/* In the foreground the container init stays our child: we wait for it,
 * forward our signals to it, and exit with its status. */
static int
run_foreground (struct create_cmd *c, casing_error_t *err)
{
  struct container_created created = { .console_master = -1 };
  cleanup_close int master = -1;
  int status;

  if (foreground_block_signals (!c->no_subreaper, err) < 0)
    return -1;
  c->o.keep_console_master = c->o.console_socket == NULL;
  if (container_create (&c->o, &created, err) < 0)
    return -1;
  master = created.console_master;
  if (container_start (c->o.root, c->o.id, err) < 0)
    {
      if (!c->keep)
        (void) container_delete (c->o.root, c->o.id, true, cmd_log_warning, NULL);
      return -1;
    }
  TRACE_START (t);
  status = foreground_wait (created.pid, master, err);
  TRACE_STEP (t, "process-running", 0, NULL);
  if (status < 0)
    return -1;
  if (!c->keep && container_delete (c->o.root, c->o.id, true, cmd_log_warning, err) < 0)
    return -1;
  return status;
}

int
cmd_run (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct create_cmd c = { 0 };

  if (create_cmd_parse ("run", true, g, argc, argv, &c, err) < 0)
    return -1;
  if (c.help)
    return 0;
  return c.detach ? run_detached (&c, err) : run_foreground (&c, err);
}
