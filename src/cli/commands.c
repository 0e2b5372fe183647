/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>

#include "commands.h"

/* One line per subcommand; `casing --help` lists them in this order. */
const struct command casing_commands[] = {
  { "spec", cmd_spec, "write a default config.json into the bundle", false, true },
  { "features", cmd_features, "print the OCI features JSON of this build", false, true },
  { "check", cmd_check, "validate a bundle without creating anything", false, true },
  { "create", cmd_create, "create a container from a bundle", true, false },
  { "start", cmd_start, "run the process of a created container", false, false },
  { "run", cmd_run, "create and start a container", true, false },
  { "state", cmd_state, "print the OCI state of a container", false, false },
  { "kill", cmd_kill, "send a signal to a container", false, false },
  { "delete", cmd_delete, "remove a container", false, false },
  { "list", cmd_list, "list containers", false, false },
  { "ps", cmd_ps, "list the processes of a container", false, false },
  { "exec", cmd_exec, "run a new process in a container", true, false },
  { "update", cmd_update, "change the resource limits of a running container", false, false },
  { "pause", cmd_pause, "suspend every process of a container", false, false },
  { "resume", cmd_resume, "resume a paused container", false, false },
  { "events", cmd_events, "print resource statistics and OOM events of a container", false, false },
  { "checkpoint", cmd_checkpoint, "save a running container to disk with CRIU", false, false },
  { "restore", cmd_restore, "make a container again from a checkpoint", true, false },
  { NULL, NULL, NULL, false, false },
};
