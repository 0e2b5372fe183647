/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroups.h"
#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "core/utils.h"

enum ps_key
{
  P_FORMAT = 1,
  P_HELP,
};

static const struct cmd_option ps_opts[] = {
  { "format", 'f', CMD_OPT_VALUE, P_FORMAT, "table|json", "output format (default table)" },
  { "help", 'h', CMD_OPT_FLAG, P_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct ps_cmd
{
  bool json, help;
};

static int
ps_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct ps_cmd *p = data;

  if (key == P_HELP)
    {
      p->help = true;
      return 0;
    }
  if (strcmp (value, "json") == 0)
    p->json = true;
  else if (strcmp (value, "table") == 0)
    p->json = false;
  else
    return casing_error_set (err, EINVAL, "invalid --format `%s`: use table or json", value);
  return 0;
}

/* The command line of a process, NUL separators shown as spaces. */
static char *
process_cmdline (pid_t pid)
{
  char path[64];
  char *buf = NULL;
  size_t len = 0;

  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  if (read_all_file (path, &buf, &len, NULL) < 0)
    return xstrdup ("?");
  for (size_t i = 0; i + 1 < len; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  return buf;
}

static int
compare_pids (const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return (x > y) - (x < y);
}

static void
print_pids (const pid_t *pids, size_t n, bool json)
{
  if (json)
    {
      /* containerd expects a plain JSON array of numbers. */
      printf ("[");
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int) pids[i]);
      printf ("]\n");
      return;
    }
  printf ("%-8s %s\n", "PID", "CMD");
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *cmd = process_cmdline (pids[i]);
      printf ("%-8d %s\n", (int) pids[i], cmd);
    }
}

int
cmd_ps (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  struct ps_cmd p = { 0 };
  pid_t *pids = NULL;
  size_t n = 0;
  enum container_status st;
  const char *id;
  int r = cmd_parse_options ("ps", ps_opts, argc - 1, argv + 1, ps_option, &p, err);

  if (r < 0)
    return -1;
  if (p.help)
    {
      cmd_print_help (stdout, "casing ps [options] ID", "List the processes of a container.",
                      ps_opts);
      return 0;
    }
  if (cmd_single_id ("ps", r + 1, argc, argv, &id, err) < 0
      || state_store_open (g->root, id, STATE_LOCK_SHARED_TRY, &h, err) < 0
      || container_status_get (h, &st, err) < 0)
    return -1;
  if (st == CONTAINER_STOPPED || st == CONTAINER_CREATING)
    return casing_error_set (err, 0, "container `%s`: container not running", id);
  if (container_processes (h, &pids, &n, err) < 0)
    return -1;
  qsort (pids, n, sizeof *pids, compare_pids);
  print_pids (pids, n, p.json);
  free (pids);
  return 0;
}
