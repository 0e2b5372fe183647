/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_options.h"
#include "confine/exe_protect.h"
#include "commands.h"
#include "core/log.h"
#include "core/rootless.h"
#include "core/trace.h"
#include "ocispec.h"
#include "core/syscalls.h"
#include "core/utils.h"
#include "version.h"

enum global_key
{
  G_ROOT = 1,
  G_LOG,
  G_LOG_FORMAT,
  G_LOG_LEVEL,
  G_DEBUG,
  G_SYSTEMD_CGROUP,
  G_CGROUP_MANAGER,
  G_ROOTLESS,
  G_HELP,
  G_VERSION,
  G_CRIU,
  G_TRACE,
};

static const struct cmd_option global_opts[] = {
  { "root", 0, CMD_OPT_VALUE, G_ROOT, "DIR",
    "state directory (default " CASING_DEFAULT_ROOT "; rootless: $XDG_RUNTIME_DIR/casing)" },
  { "log", 0, CMD_OPT_VALUE, G_LOG, "FILE", "write log messages to FILE (default stderr)" },
  { "log-format", 0, CMD_OPT_VALUE, G_LOG_FORMAT, "text|json", "format of log messages" },
  { "log-level", 0, CMD_OPT_VALUE, G_LOG_LEVEL, "LEVEL", "error, warning, info or debug" },
  { "debug", 0, CMD_OPT_FLAG, G_DEBUG, NULL, "same as --log-level debug" },
  { "systemd-cgroup", 0, CMD_OPT_FLAG, G_SYSTEMD_CGROUP, NULL,
    "use the systemd cgroup driver (cgroupsPath is slice:prefix:name)" },
  { "cgroup-manager", 0, CMD_OPT_VALUE, G_CGROUP_MANAGER, "cgroupfs|systemd|disabled",
    "cgroup driver (crun's option; disabled: no cgroup at all)" },
  { "rootless", 0, CMD_OPT_VALUE, G_ROOTLESS, "true|false|auto",
    "run without root privileges (auto, the default: when not root, or root of a user namespace)" },
  { "criu", 0, CMD_OPT_VALUE, G_CRIU, "PATH", "criu for checkpoint and restore (default: criu in $PATH)" },
  { "trace", 0, CMD_OPT_VALUE, G_TRACE, "FILE",
    "append one JSON line per step (what, which process, when, how long) to FILE (also CASING_TRACE)" },
  { "help", 'h', CMD_OPT_FLAG, G_HELP, NULL, "show this help" },
  { "version", 'v', CMD_OPT_FLAG, G_VERSION, NULL, "print version information" },
  { NULL, 0, 0, 0, NULL, NULL },
};

enum rootless_mode
{
  ROOTLESS_AUTO = 0,
  ROOTLESS_YES,
  ROOTLESS_NO,
};

struct global_parse
{
  struct global_options *g;
  const char *trace;
  enum rootless_mode rootless;
  bool help, version, log_level_set, root_set;
};

static int
global_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct global_parse *p = data;
  struct global_options *g = p->g;

  switch (key)
    {
    case G_ROOT:
      g->root = value;
      p->root_set = true;
      return 0;
    case G_LOG:
      g->log = value;
      return 0;
    case G_LOG_FORMAT:
      if (log_parse_format (value, &g->log_format) < 0)
        return casing_error_set (err, 0, "invalid --log-format `%s`: use text or json", value);
      return 0;
    case G_LOG_LEVEL:
      p->log_level_set = true;
      if (log_parse_level (value, &g->log_level) < 0)
        return casing_error_set (err, 0,
                                 "invalid --log-level `%s`: use error, warning, info or debug", value);
      return 0;
    case G_DEBUG:
      return cmd_flag_value (value, &g->debug, err);
    case G_SYSTEMD_CGROUP:
      return cmd_flag_value (value, &g->systemd_cgroup, err);
    case G_CGROUP_MANAGER:
      if (strcmp (value, "cgroupfs") != 0 && strcmp (value, "systemd") != 0 && strcmp (value, "disabled") != 0)
        return casing_error_set (err, 0, "invalid --cgroup-manager `%s`: use cgroupfs, systemd or disabled",
                                 value);
      g->systemd_cgroup = strcmp (value, "systemd") == 0;
      g->no_cgroup = strcmp (value, "disabled") == 0;
      return 0;
    case G_ROOTLESS:
      {
        bool yes = false;
        if (strcmp (value, "auto") == 0)
          p->rootless = ROOTLESS_AUTO;
        else if (cmd_flag_value (value, &yes, err) < 0)
          return casing_error_prefix (err, "--rootless: use true, false or auto");
        else
          p->rootless = yes ? ROOTLESS_YES : ROOTLESS_NO;
        return 0;
      }
    case G_CRIU:
      g->criu = value;
      return 0;
    case G_TRACE:
      p->trace = value;
      return 0;
    case G_HELP:
      p->help = true;
      return 0;
    case G_VERSION:
      p->version = true;
      return 0;
    }
  return casing_error_set (err, EINVAL, "internal error: unknown option key %d", key);
}

static void
print_usage (FILE *out)
{
  cmd_print_help (out, "casing [global options] COMMAND [options] [ID]",
                  "casing is an OCI runtime: it creates and runs containers from an OCI bundle.",
                  global_opts);
  fprintf (out, "\nCommands:\n");
  for (const struct command *c = casing_commands; c->name; c++)
    fprintf (out, "  %-12s %s\n", c->name, c->summary);
  fprintf (out, "\nRun `casing COMMAND --help` for the options of a command.\n");
}

static const struct command *
find_command (const char *name)
{
  for (const struct command *c = casing_commands; c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

/* --rootless (auto by default) and the state root that follows from it.
 * Only the commands that keep state need the root: `spec` or `features`
 * work for a user without XDG_RUNTIME_DIR. */
static int
decide_rootless (struct global_parse *p, const struct command *cmd, char **root_buf, casing_error_t *err)
{
  struct global_options *g = p->g;

  g->rootless = p->rootless == ROOTLESS_AUTO ? rootless_detect () : p->rootless == ROOTLESS_YES;
  if (!g->rootless || p->root_set || cmd->stateless)
    return 0;
  if (rootless_state_root (CASING_DEFAULT_ROOT, root_buf, err) < 0)
    return -1;
  g->root = *root_buf;
  log_debug ("rootless: state root `%s`", g->root);
  return 0;
}

static int
run_command (int argc, char **argv, casing_error_t *err)
{
  struct global_options g = {
    .root = CASING_DEFAULT_ROOT,
    .log_format = LOG_FORMAT_TEXT,
    .log_level = LOG_LEVEL_WARNING,
  };
  struct global_parse p = { .g = &g };
  cleanup_free char *root_buf = NULL;
  const struct command *cmd;
  int first;

  first = cmd_parse_options (NULL, global_opts, argc - 1, argv + 1, global_option, &p, err);
  if (first < 0)
    {
      /* Engines read the error from the --log they passed (an option we do
       * not know may follow it): open it, if it was given, for the report. */
      (void) log_init (g.log, g.log_format, g.log_level, NULL);
      return -1;
    }
  first++;
  if (g.debug && !p.log_level_set)
    g.log_level = LOG_LEVEL_DEBUG;
  if (log_init (g.log, g.log_format, g.log_level, err) < 0)
    return -1;
  trace_init (p.trace);
  if (p.version)
    {
      print_version (stdout);
      return 0;
    }
  if (p.help || first >= argc)
    {
      print_usage (p.help ? stdout : stderr);
      return p.help ? 0 : 2;
    }
  cmd = find_command (argv[first]);
  if (cmd == NULL)
    return casing_error_set (err, 0, "unknown command `%s` (see `casing --help`)", argv[first]);
  if (decide_rootless (&p, cmd, &root_buf, err) < 0)
    return -1;
  if (trace_enabled ())
    trace_stepf ("startup", 0, trace_process_start (), "casing %s", argv[first]);
  if (cmd->enters_container && self_exe_seal (argv, err) < 0)
    return -1;
  return cmd->run (&g, argc - first, argv + first, err);
}

int
main (int argc, char **argv)
{
  cleanup_casing_error casing_error_t err = NULL;
  self_exe_startup ();
  sys_openat2_test_init ();
  int r = run_command (argc, argv, &err);

  if (r < 0)
    {
      log_report_error (err);
      return 1;
    }
  return r;
}
