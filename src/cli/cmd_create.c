/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd_container.h"
#include "cmd_options.h"
#include "core/utils.h"

enum create_key
{
  C_BUNDLE = 1,
  C_PID_FILE,
  C_CONSOLE_SOCKET,
  C_NO_PIVOT,
  C_NO_NEW_KEYRING,
  C_PRESERVE_FDS,
  C_DETACH,
  C_KEEP,
  C_NO_SUBREAPER,
  C_HELP,
};

/* The options `run` shares with `create`. */
#define CREATE_OPTIONS                                                                          \
  { "bundle", 'b', CMD_OPT_VALUE, C_BUNDLE, "DIR", "bundle directory (default: current directory)" }, \
  { "pid-file", 0, CMD_OPT_VALUE, C_PID_FILE, "FILE", "write the container pid to FILE" },       \
  { "console-socket", 0, CMD_OPT_VALUE, C_CONSOLE_SOCKET, "PATH",                               \
    "unix socket that receives the pty master (process.terminal)" },                            \
  { "no-pivot", 0, CMD_OPT_FLAG, C_NO_PIVOT, NULL, "move the root with MS_MOVE + chroot" },      \
  { "no-new-keyring", 0, CMD_OPT_FLAG, C_NO_NEW_KEYRING, NULL, "keep the session keyring" },     \
  { "preserve-fds", 0, CMD_OPT_VALUE, C_PRESERVE_FDS, "N", "pass fds 3..3+N-1 to the container" }

static const struct cmd_option create_opts[] = {
  CREATE_OPTIONS,
  { "help", 'h', CMD_OPT_FLAG, C_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

static const struct cmd_option run_opts[] = {
  CREATE_OPTIONS,
  { "detach", 'd', CMD_OPT_FLAG, C_DETACH, NULL, "return once the container is started" },
  { "keep", 0, CMD_OPT_FLAG, C_KEEP, NULL, "do not delete the container after it exits" },
  { "no-subreaper", 0, CMD_OPT_FLAG, C_NO_SUBREAPER, NULL,
    "do not reap the container's orphans (they go to the host's subreaper or pid 1)" },
  { "help", 'h', CMD_OPT_FLAG, C_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

static int
create_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct create_cmd *c = data;
  int64_t n;

  switch (key)
    {
    case C_BUNDLE:
      c->o.bundle = value;
      return 0;
    case C_PID_FILE:
      c->o.pid_file = value;
      return 0;
    case C_CONSOLE_SOCKET:
      c->o.console_socket = value;
      return 0;
    case C_NO_PIVOT:
      return cmd_flag_value (value, &c->o.no_pivot, err);
    case C_NO_NEW_KEYRING:
      return cmd_flag_value (value, &c->o.no_new_keyring, err);
    case C_PRESERVE_FDS:
      if (parse_int64 (value, &n) < 0 || n < 0 || n > 65536)
        return casing_error_set (err, EINVAL, "invalid --preserve-fds `%s`", value);
      c->o.preserve_fds = (int) n;
      return 0;
    case C_DETACH:
      return cmd_flag_value (value, &c->detach, err);
    case C_KEEP:
      return cmd_flag_value (value, &c->keep, err);
    case C_NO_SUBREAPER:
      return cmd_flag_value (value, &c->no_subreaper, err);
    case C_HELP:
      c->help = true;
      return 0;
    }
  return casing_error_set (err, EINVAL, "internal error: unknown option key %d", key);
}

void
cmd_log_warning (const char *msg)
{
  log_warning ("%s", msg);
}

int
create_cmd_parse (const char *command, bool is_run, struct global_options *g, int argc,
                  char **argv, struct create_cmd *c, casing_error_t *err)
{
  const struct cmd_option *opts = is_run ? run_opts : create_opts;
  int first = cmd_parse_options (command, opts, argc - 1, argv + 1, create_option, c, err);

  if (first < 0)
    return -1;
  if (c->help)
    {
      cmd_print_help (stdout, is_run ? "casing run [options] ID" : "casing create [options] ID",
                      is_run ? "Create and start a container, wait for it by default."
                             : "Create a container; `start` runs its process.",
                      opts);
      return 0;
    }
  c->o.root = g->root;
  c->o.systemd_cgroup = g->systemd_cgroup;
  c->o.no_cgroup = g->no_cgroup;
  c->o.rootless = g->rootless;
  return cmd_single_id (command, first + 1, argc, argv, &c->o.id, err);
}

int
cmd_create (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct create_cmd c = { 0 };
  struct container_created created;

  if (create_cmd_parse ("create", false, g, argc, argv, &c, err) < 0)
    return -1;
  if (c.help)
    return 0;
  return container_create (&c.o, &created, err) < 0 ? -1 : 0;
}
