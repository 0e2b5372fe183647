/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "cmd_options.h"
#include "core/utils.h"

static const struct cmd_option *
find_long (const struct cmd_option *opts, const char *name, size_t len)
{
  for (; opts && opts->name; opts++)
    if (strlen (opts->name) == len && strncmp (opts->name, name, len) == 0)
      return opts;
  return NULL;
}

static const struct cmd_option *
find_short (const struct cmd_option *opts, char c)
{
  for (; opts && opts->name; opts++)
    if (opts->short_name && opts->short_name == c)
      return opts;
  return NULL;
}

int
cmd_flag_value (const char *value, bool *out, casing_error_t *err)
{
  if (value == NULL || strcmp (value, "true") == 0 || strcmp (value, "1") == 0)
    *out = true;
  else if (strcmp (value, "false") == 0 || strcmp (value, "0") == 0)
    *out = false;
  else
    return casing_error_set (err, 0, "invalid boolean value `%s`", value);
  return 0;
}

/* Errors name the command and its --help; the global options (command
 * NULL) are casing's own, and log_report_error already says "casing: ". */
static int
unknown_option (const char *command, const char *dashes, int len, const char *name, casing_error_t *err)
{
  if (command == NULL)
    return casing_error_set (err, 0, "unknown option `%s%.*s` (see `casing --help`)", dashes, len, name);
  return casing_error_set (err, 0, "%s: unknown option `%s%.*s` (see `casing %s --help`)", command, dashes,
                           len, name, command);
}

static int
needs_value (const char *command, const char *dashes, int len, const char *name, casing_error_t *err)
{
  return casing_error_set (err, 0, "%s%soption `%s%.*s` needs a value", command ? command : "",
                           command ? ": " : "", dashes, len, name);
}

static int
parse_long (const char *command, const struct cmd_option *opts, int argc, char **argv, int *i,
            cmd_option_cb cb, void *data, casing_error_t *err)
{
  const char *arg = argv[*i] + 2;
  const char *eq = strchr (arg, '=');
  size_t len = eq ? (size_t) (eq - arg) : strlen (arg);
  const struct cmd_option *o = find_long (opts, arg, len);
  const char *value = eq ? eq + 1 : NULL;

  if (o == NULL)
    return unknown_option (command, "--", (int) len, arg, err);
  if (o->kind == CMD_OPT_VALUE && value == NULL)
    {
      if (*i + 1 >= argc)
        return needs_value (command, "--", (int) strlen (o->name), o->name, err);
      value = argv[++*i];
    }
  return cb (data, o->key, value, err);
}

static int
parse_short (const char *command, const struct cmd_option *opts, int argc, char **argv, int *i,
             cmd_option_cb cb, void *data, casing_error_t *err)
{
  for (const char *p = argv[*i] + 1; *p; p++)
    {
      const struct cmd_option *o = find_short (opts, *p);
      if (o == NULL)
        return unknown_option (command, "-", 1, p, err);
      if (o->kind == CMD_OPT_FLAG)
        {
          if (cb (data, o->key, NULL, err) < 0)
            return -1;
          continue;
        }
      if (p[1])
        return cb (data, o->key, p[1] == '=' ? p + 2 : p + 1, err);
      if (*i + 1 >= argc)
        return needs_value (command, "-", 1, p, err);
      return cb (data, o->key, argv[++*i], err);
    }
  return 0;
}

int
cmd_parse_options (const char *command, const struct cmd_option *opts, int argc, char **argv,
                   cmd_option_cb cb, void *data, casing_error_t *err)
{
  int i;

  for (i = 0; i < argc; i++)
    {
      const char *a = argv[i];
      int r;
      if (strcmp (a, "--") == 0)
        return i + 1;
      if (a[0] != '-' || a[1] == '\0')
        return i;
      if (a[1] == '-')
        r = parse_long (command, opts, argc, argv, &i, cb, data, err);
      else
        r = parse_short (command, opts, argc, argv, &i, cb, data, err);
      if (r < 0)
        return -1;
    }
  return i;
}

void
cmd_print_help (FILE *out, const char *usage, const char *description, const struct cmd_option *opts)
{
  fprintf (out, "Usage: %s\n\n%s\n", usage, description);
  if (opts == NULL || opts->name == NULL)
    return;
  fprintf (out, "\nOptions:\n");
  for (; opts->name; opts++)
    {
      char left[64];
      if (opts->short_name)
        snprintf (left, sizeof left, "-%c, --%s%s%s", opts->short_name, opts->name,
                  opts->arg ? " " : "", opts->arg ? opts->arg : "");
      else
        snprintf (left, sizeof left, "    --%s%s%s", opts->name, opts->arg ? " " : "",
                  opts->arg ? opts->arg : "");
      /* A long option and its value get a line of their own. */
      if (strlen (left) > 28)
        fprintf (out, "  %s\n  %-28s %s\n", left, "", opts->help);
      else
        fprintf (out, "  %-28s %s\n", left, opts->help);
    }
}

int
cmd_single_id (const char *command, int first, int argc, char **argv, const char **id,
               casing_error_t *err)
{
  if (first >= argc)
    return casing_error_set (err, EINVAL, "%s: missing the container id", command);
  if (first + 1 < argc)
    return casing_error_set (err, EINVAL, "%s: unexpected argument `%s`", command, argv[first + 1]);
  *id = argv[first];
  return 0;
}

static const struct cmd_option help_only_opts[] = {
  { "help", 'h', CMD_OPT_FLAG, 1, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

static int
help_only_option (void *data, int key, const char *value, casing_error_t *err)
{
  (void) key, (void) value, (void) err;
  *(bool *) data = true;
  return 0;
}

int
cmd_parse_help_only (const char *command, const char *usage, const char *description, int argc,
                     char **argv, int *first, casing_error_t *err)
{
  bool help = false;
  int r = cmd_parse_options (command, help_only_opts, argc - 1, argv + 1, help_only_option, &help, err);

  if (r < 0)
    return -1;
  if (help)
    {
      cmd_print_help (stdout, usage, description, help_only_opts);
      return 1;
    }
  *first = r + 1;
  return 0;
}

int
cmd_parse_id_only (const char *command, const char *usage, const char *description, int argc,
                   char **argv, const char **id, casing_error_t *err)
{
  int first;
  int r = cmd_parse_help_only (command, usage, description, argc, argv, &first, err);

  if (r != 0)
    return r;
  return cmd_single_id (command, first, argc, argv, id, err);
}
