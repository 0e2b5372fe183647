/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "core/utils.h"

enum list_key
{
  L_FORMAT = 1,
  L_QUIET,
  L_HELP,
};

static const struct cmd_option list_opts[] = {
  { "format", 'f', CMD_OPT_VALUE, L_FORMAT, "table|json", "output format (default table)" },
  { "quiet", 'q', CMD_OPT_FLAG, L_QUIET, NULL, "print only the ids" },
  { "help", 'h', CMD_OPT_FLAG, L_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct list_cmd
{
  bool json, quiet, help;
};

static int
list_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct list_cmd *l = data;

  switch (key)
    {
    case L_FORMAT:
      if (strcmp (value, "json") == 0)
        l->json = true;
      else if (strcmp (value, "table") == 0)
        l->json = false;
      else
        return casing_error_set (err, EINVAL, "invalid --format `%s`: use table or json", value);
      return 0;
    case L_QUIET:
      return cmd_flag_value (value, &l->quiet, err);
    default:
      l->help = true;
      return 0;
    }
}

/* One container; those that vanish while we list are skipped. */
static void
list_one (const char *root, const char *id, const struct list_cmd *l, bool *first)
{
  cleanup_container_handle struct container_handle *h = NULL;
  cleanup_free char *json = NULL;
  enum container_status st;
  const casing_state *s;

  if (state_store_open (root, id, STATE_LOCK_SHARED_TRY, &h, NULL) < 0
      || container_status_get (h, &st, NULL) < 0)
    return;
  s = h->state;
  if (l->quiet)
    printf ("%s\n", id);
  else if (l->json)
    {
      json = container_state_json (h, st, false, NULL);
      if (json)
        printf ("%s%s", *first ? "" : ",", json);
    }
  else
    printf ("%-12s %-8d %-10s %-40s %-32s %s\n", id,
            st == CONTAINER_STOPPED || !s->has_pid ? 0 : (int) s->pid, container_status_name (st),
            s->bundle ? s->bundle : "", s->created ? s->created : "", s->owner ? s->owner : "");
  *first = false;
}

int
cmd_list (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct list_cmd l = { 0 };
  char **ids = NULL;
  bool first = true;
  int r = cmd_parse_options ("list", list_opts, argc - 1, argv + 1, list_option, &l, err);

  if (r < 0)
    return -1;
  if (l.help)
    {
      cmd_print_help (stdout, "casing list [options]", "List the containers.", list_opts);
      return 0;
    }
  if (r + 1 < argc)
    return casing_error_set (err, EINVAL, "list: unexpected argument `%s`", argv[r + 1]);
  if (state_store_list (g->root, &ids, err) < 0)
    return -1;
  if (l.json && !l.quiet)
    printf ("[");
  else if (!l.quiet)
    printf ("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
            "OWNER");
  for (char **id = ids; *id; id++)
    list_one (g->root, *id, &l, &first);
  if (l.json && !l.quiet)
    printf ("]\n");
  state_store_free_ids (ids);
  return 0;
}
