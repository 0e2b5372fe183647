/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>

#include "cli/cmd_options.h"
#include "unit_test.h"
#include "core/utils.h"

enum { K_BUNDLE = 1, K_DETACH, K_ENV, K_TTY };

static const struct cmd_option opts[] = {
  { "bundle", 'b', CMD_OPT_VALUE, K_BUNDLE, "DIR", "bundle" },
  { "detach", 'd', CMD_OPT_FLAG, K_DETACH, NULL, "detach" },
  { "env", 'e', CMD_OPT_VALUE, K_ENV, "K=V", "env" },
  { "tty", 't', CMD_OPT_FLAG, K_TTY, NULL, "tty" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct seen
{
  const char *bundle;
  bool detach, tty;
  int n_env;
  const char *env[4];
};

static int
cb (void *data, int key, const char *value, casing_error_t *err)
{
  struct seen *s = data;
  switch (key)
    {
    case K_BUNDLE:
      s->bundle = value;
      return 0;
    case K_DETACH:
      return cmd_flag_value (value, &s->detach, err);
    case K_TTY:
      return cmd_flag_value (value, &s->tty, err);
    case K_ENV:
      if (s->n_env < 4)
        s->env[s->n_env++] = value;
      return 0;
    }
  return -1;
}

static int
parse (struct seen *s, int argc, char **argv, casing_error_t *err)
{
  memset (s, 0, sizeof *s);
  return cmd_parse_options ("test", opts, argc, argv, cb, s, err);
}

/* The global options: the program is named once, by log_report_error. */
static int
ignore_option (void *data, int key, const char *value, casing_error_t *err)
{
  (void) data, (void) key, (void) value, (void) err;
  return 0;
}

static void
test_global_errors (void)
{
  static const struct cmd_option opts[] = {
    { "root", 0, CMD_OPT_VALUE, 1, "DIR", "state directory" },
    { NULL, 0, 0, 0, NULL, NULL },
  };
  char *a1[] = { "--frob" }, *a2[] = { "-q" }, *a3[] = { "--root" };
  casing_error_t err = NULL;

  CHECK (cmd_parse_options (NULL, opts, 1, a1, ignore_option, NULL, &err) < 0);
  CHECK_STR (err ? err->msg : NULL, "unknown option `--frob` (see `casing --help`)");
  casing_error_release (&err);
  CHECK (cmd_parse_options (NULL, opts, 1, a2, ignore_option, NULL, &err) < 0);
  CHECK_STR (err ? err->msg : NULL, "unknown option `-q` (see `casing --help`)");
  casing_error_release (&err);
  CHECK (cmd_parse_options (NULL, opts, 1, a3, ignore_option, NULL, &err) < 0);
  CHECK_STR (err ? err->msg : NULL, "option `--root` needs a value");
  casing_error_release (&err);
  CHECK (cmd_parse_options ("list", opts, 1, a1, ignore_option, NULL, &err) < 0);
  CHECK_STR (err ? err->msg : NULL, "list: unknown option `--frob` (see `casing list --help`)");
  casing_error_release (&err);
}

int
main (void)
{
  struct seen s;
  casing_error_t err = NULL;

  {
    char *argv[] = { "--bundle", "/b", "-d", "id" };
    CHECK (parse (&s, 4, argv, &err) == 3);
    CHECK_STR (s.bundle, "/b");
    CHECK (s.detach);
  }
  {
    char *argv[] = { "--bundle=/x", "--detach=false", "--env=A=1", "-e", "B=2", "-eC=3", "id" };
    CHECK (parse (&s, 7, argv, &err) == 6);
    CHECK_STR (s.bundle, "/x");
    CHECK (!s.detach);
    CHECK (s.n_env == 3);
    CHECK_STR (s.env[0], "A=1");
    CHECK_STR (s.env[1], "B=2");
    CHECK_STR (s.env[2], "C=3");
  }
  {
    /* bundled short flags, and options stop at the first positional */
    char *argv[] = { "-dt", "id", "sh", "-c", "true" };
    CHECK (parse (&s, 5, argv, &err) == 1);
    CHECK (s.detach && s.tty);
  }
  {
    char *argv[] = { "--", "--bundle" };
    CHECK (parse (&s, 2, argv, &err) == 1);
    CHECK (s.bundle == NULL);
  }
  {
    char *argv[] = { "--nope" };
    CHECK (parse (&s, 1, argv, &err) < 0);
    CHECK (err && strstr (err->msg, "unknown option `--nope`"));
    casing_error_release (&err);
  }
  {
    char *argv[] = { "--bundle" };
    CHECK (parse (&s, 1, argv, &err) < 0);
    CHECK (err && strstr (err->msg, "needs a value"));
    casing_error_release (&err);
  }
  {
    char *argv[] = { "--detach=maybe" };
    CHECK (parse (&s, 1, argv, &err) < 0);
    CHECK (err && strstr (err->msg, "invalid boolean"));
    casing_error_release (&err);
  }
  {
    const char *id = NULL;
    char *argv[] = { "start", "c1" };
    CHECK (cmd_parse_id_only ("start", "u", "d", 2, argv, &id, &err) == 0);
    CHECK_STR (id, "c1");
  }
  {
    const char *id = NULL;
    char *argv[] = { "start", "c1", "c2" };
    CHECK (cmd_parse_id_only ("start", "u", "d", 3, argv, &id, &err) < 0);
    CHECK (err && strstr (err->msg, "start: unexpected argument `c2`"));
    casing_error_release (&err);
  }
  {
    const char *id = NULL;
    char *argv[] = { "state" };
    CHECK (cmd_parse_id_only ("state", "u", "d", 1, argv, &id, &err) < 0);
    CHECK (err && strstr (err->msg, "state: missing the container id"));
    casing_error_release (&err);
  }
  {
    const char *id = NULL;
    char *argv[] = { "pause", "--all", "c1" };
    CHECK (cmd_parse_id_only ("pause", "u", "d", 3, argv, &id, &err) < 0);
    CHECK (err && strstr (err->msg, "unknown option `--all`"));
    casing_error_release (&err);
  }
  {
    int first = -1;
    char *argv[] = { "features", "--", "x" };
    CHECK (cmd_parse_help_only ("features", "u", "d", 3, argv, &first, &err) == 0);
    CHECK (first == 2);
  }
  UNIT_RUN (test_global_errors ());
  return unit_done ("test_cmd_options");
}
