/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CASING_COMMANDS_H
#define CASING_COMMANDS_H

#include <stdbool.h>

#include "core/error.h"
#include "core/log.h"

#define CASING_DEFAULT_ROOT "/run/casing"

struct global_options
{
  const char *root;     /* --root, state directory */
  const char *log;      /* --log FILE */
  enum log_format log_format;
  enum log_level log_level;
  bool debug;
  bool systemd_cgroup;
  bool no_cgroup;       /* --cgroup-manager disabled */
  bool rootless;
  const char *criu;     /* --criu PATH, for checkpoint and restore */
};

/* Every subcommand: argv[0] is the command name, options follow. Returns the
 * process exit status (0 on success) or < 0 with *err set. */
typedef int (*command_fn) (struct global_options *g, int argc, char **argv, casing_error_t *err);

struct command
{
  const char *name;
  command_fn run;
  const char *summary;
  /* It forks processes into a container: casing first re-executes itself
   * from a read-only copy (CVE-2019-5736, src/confine/exe_protect.c). */
  bool enters_container;
  /* It keeps no state: it needs no state root (a rootless user without
   * XDG_RUNTIME_DIR can still run it). */
  bool stateless;
};

/* The table of subcommands, in src/cli/commands.c. */
extern const struct command casing_commands[];

int cmd_spec (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_features (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_check (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_create (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_start (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_run (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_state (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_kill (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_delete (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_list (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_ps (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_exec (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_update (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_pause (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_resume (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_events (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_checkpoint (struct global_options *g, int argc, char **argv, casing_error_t *err);
int cmd_restore (struct global_options *g, int argc, char **argv, casing_error_t *err);

#endif
