/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>
#include <stdio.h>

#include "cmd_container.h"
#include "cmd_options.h"
#include "container/signals.h"

enum kill_key
{
  K_ALL = 1,
  K_HELP,
};

static const struct cmd_option kill_opts[] = {
  { "all", 'a', CMD_OPT_FLAG, K_ALL, NULL, "signal every process of the container" },
  { "help", 'h', CMD_OPT_FLAG, K_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct kill_cmd
{
  bool all, help;
};

static int
kill_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct kill_cmd *k = data;
  if (key == K_ALL)
    return cmd_flag_value (value, &k->all, err);
  k->help = true;
  return 0;
}

int
cmd_kill (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct kill_cmd k = { 0 };
  int signo = SIGTERM;
  int first = cmd_parse_options ("kill", kill_opts, argc - 1, argv + 1, kill_option, &k, err);

  if (first < 0)
    return -1;
  first++;
  if (k.help)
    {
      cmd_print_help (stdout, "casing kill [--all] ID [SIGNAL]",
                      "Send a signal (name or number, default SIGTERM) to a container.",
                      kill_opts);
      return 0;
    }
  if (first >= argc)
    return casing_error_set (err, 0, "kill: missing the container id");
  if (first + 2 < argc)
    return casing_error_set (err, 0, "kill: unexpected argument `%s`", argv[first + 2]);
  if (first + 1 < argc && signal_parse (argv[first + 1], &signo, err) < 0)
    return -1;
  return container_kill (g->root, argv[first], signo, k.all, err);
}
