/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small option parser shared by every subcommand: `--opt value`,
 * `--opt=value`, `-o value`, `-ovalue`, bundled short flags, `--` and
 * options ending at the first positional argument (so `exec ID sh -c x`
 * passes `-c` to the program). */
#ifndef CASING_CMD_OPTIONS_H
#define CASING_CMD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"

enum cmd_option_kind
{
  CMD_OPT_FLAG,  /* no value; `--flag=true|false` also accepted */
  CMD_OPT_VALUE, /* takes a value */
};

struct cmd_option
{
  const char *name;   /* long name without dashes */
  char short_name;    /* 0 for none */
  enum cmd_option_kind kind;
  int key;            /* passed to the callback */
  const char *arg;    /* value placeholder for --help, e.g. "DIR" */
  const char *help;
};

/* value is NULL for a flag set to true, "false" when `--flag=false`. */
typedef int (*cmd_option_cb) (void *data, int key, const char *value, casing_error_t *err);

/* Parse options from argv[0..argc).  On success returns the index of the first
 * positional argument.  `command` names the subcommand in errors; NULL for
 * casing's global options. */
int cmd_parse_options (const char *command, const struct cmd_option *opts, int argc, char **argv,
                       cmd_option_cb cb, void *data, casing_error_t *err);

void cmd_print_help (FILE *out, const char *usage, const char *description,
                     const struct cmd_option *opts);

/* Parse "true"/"false" for flags given as --flag=VALUE; NULL means true. */
int cmd_flag_value (const char *value, bool *out, casing_error_t *err);

/* Exactly one positional argument from argv[first]: the container id. */
int cmd_single_id (const char *command, int first, int argc, char **argv, const char **id,
                   casing_error_t *err);

/* The whole command line of a command whose only option is --help (argv[0]
 * is the command name): 1 after printing the help to stdout, 0 with *first
 * the index in argv of the first positional argument, < 0 on error. */
int cmd_parse_help_only (const char *command, const char *usage, const char *description, int argc,
                         char **argv, int *first, casing_error_t *err);
/* The same for a command taking exactly one container id: 0 with *id set. */
int cmd_parse_id_only (const char *command, const char *usage, const char *description, int argc,
                       char **argv, const char **id, casing_error_t *err);

#endif
