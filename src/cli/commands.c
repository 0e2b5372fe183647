/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>

#include "commands.h"

/* One line per subcommand; `casing --help` lists them in this order. */
const struct command casing_commands[] = {
  { "spec", cmd_spec, "write a default config.json into the bundle", false },
  { "features", cmd_features, "print the OCI features JSON of this build", false },
  { "check", cmd_check, "validate a bundle without creating anything", false },
  { "create", cmd_create, "create a container from a bundle", true },
  { "start", cmd_start, "run the process of a created container", false },
  { "run", cmd_run, "create and start a container", true },
  { "state", cmd_state, "print the OCI state of a container", false },
  { "kill", cmd_kill, "send a signal to a container", false },
  { "delete", cmd_delete, "remove a container", false },
  { "list", cmd_list, "list containers", false },
  { "ps", cmd_ps, "list the processes of a container", false },
  { "exec", cmd_exec, "run a new process in a container", true },
  { "update", cmd_update, "change the resource limits of a running container", false },
  { "pause", cmd_pause, "suspend every process of a container", false },
  { "resume", cmd_resume, "resume a paused container", false },
  { "events", cmd_events, "print resource statistics and OOM events of a container", false },
  { "checkpoint", cmd_checkpoint, "save a running container to disk with CRIU", false },
  { "restore", cmd_restore, "make a container again from a checkpoint", true },
  { NULL, NULL, NULL, false },
};
