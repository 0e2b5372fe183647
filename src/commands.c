/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>

#include "commands.h"

/* One line per subcommand; `casing --help` lists them in this order. */
const struct command casing_commands[] = {
  { "spec", cmd_spec, "write a default config.json into the bundle" },
  { "features", cmd_features, "print the OCI features JSON of this build" },
  { "check", cmd_check, "validate a bundle without creating anything" },
  { "create", cmd_create, "create a container from a bundle" },
  { "start", cmd_start, "run the process of a created container" },
  { "run", cmd_run, "create and start a container" },
  { "state", cmd_state, "print the OCI state of a container" },
  { "kill", cmd_kill, "send a signal to a container" },
  { "delete", cmd_delete, "remove a container" },
  { "list", cmd_list, "list containers" },
  { "ps", cmd_ps, "list the processes of a container" },
  { "exec", cmd_exec, "run a new process in a container" },
  { "update", cmd_update, "change the resource limits of a running container" },
  { "pause", cmd_pause, "suspend every process of a container" },
  { "resume", cmd_resume, "resume a paused container" },
  { "events", cmd_events, "print resource statistics and OOM events of a container" },
  { NULL, NULL, NULL },
};
