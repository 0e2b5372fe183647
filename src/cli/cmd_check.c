/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `casing check`: validate a bundle without creating anything, and report
 * every problem with its JSON path and a hint. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cgroups/cgroups.h"
#include "cmd_options.h"
#include "commands.h"
#include "ocispec.h"
#include "core/utils.h"
#include "validate/validate.h"

enum check_key
{
  CHECK_BUNDLE = 1,
  CHECK_FORMAT,
  CHECK_HELP,
};

static const struct cmd_option check_opts[] = {
  { "bundle", 'b', CMD_OPT_VALUE, CHECK_BUNDLE, "DIR", "the bundle to check (default: .)" },
  { "format", 'f', CMD_OPT_VALUE, CHECK_FORMAT, "text|json", "output format (default: text)" },
  { "help", 'h', CMD_OPT_FLAG, CHECK_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct check_args
{
  const char *bundle;
  bool json;
  bool help;
};

static int
check_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct check_args *a = data;
  switch (key)
    {
    case CHECK_BUNDLE:
      a->bundle = value;
      return 0;
    case CHECK_FORMAT:
      if (strcmp (value, "json") != 0 && strcmp (value, "text") != 0)
        return casing_error_set (err, 0, "check: invalid --format `%s`: use text or json", value);
      a->json = strcmp (value, "json") == 0;
      return 0;
    default:
      a->help = true;
      return 0;
    }
}

/* The message already says what is wrong (and lists the values of an
 * enum); the hint says where the rule comes from. */
static const char *
parse_problem_hint (const oci_parse_problem *p)
{
  if (p->fatal)
    return "config.json must be one JSON object; nothing else could be checked";
  if (strcmp (p->message, "required property missing") == 0)
    return "the runtime spec requires this property; see config.md / config-linux.md";
  if (strstr (p->message, " does not match ") != NULL)
    return "the runtime spec's schema restricts this value to the pattern shown";
  return "see config.md / config-linux.md of the runtime spec";
}

/* Whether `path` is `skipped` or lies inside it. */
static bool
path_within (const char *path, const char *skipped)
{
  size_t n = strlen (skipped);
  return strncmp (path, skipped, n) == 0 && (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

/* --systemd-cgroup reads linux.cgroupsPath differently, and needs systemd
 * (the same question `create` asks). */
static void
check_systemd_path (const oci_config *config, bool rootless, struct problem_list *out)
{
  cleanup_casing_error casing_error_t e = NULL;
  const char *path = config->linux_ ? config->linux_->cgroups_path : NULL;
  static const char prefix[] = "linux.cgroupsPath: ";
  if (cgroup_systemd_check (path, rootless, &e) < 0)
    problems_add (out, PROBLEM_ERROR, "linux.cgroupsPath",
                  "with --systemd-cgroup: `system.slice:casing:NAME`, or leave it out", "%s",
                  e->msg + (strncmp (e->msg, prefix, sizeof prefix - 1) == 0 ? sizeof prefix - 1 : 0));
}

/* The runtime checks see the values the parser skipped as absent: what they
 * say about those (or inside them) repeats a parse problem, so it is left
 * out.  A check that depends on a skipped value elsewhere still runs on the
 * rest, e.g. a hostname without a (skipped) uts namespace is reported. */
static void
add_runtime_problems (const oci_config *config, const char *bundle, const struct global_options *g,
                      const oci_parse_problem *pp, size_t n_pp, struct problem_list *out)
{
  struct problem_list l = { 0 };

  validate_config (config, bundle, &l, NULL, true);
  if (g->systemd_cgroup)
    check_systemd_path (config, g->rootless, &l);
  for (size_t i = 0; i < l.len; i++)
    {
      const struct problem *p = &l.items[i];
      size_t j;
      for (j = 0; j < n_pp && !path_within (p->path, pp[j].skipped); j++)
        ;
      if (j == n_pp)
        problems_add (out, p->severity, p->path, p->hint, "%s", p->message);
    }
  problems_free (&l);
}

/* Every problem of the parser, then the runtime checks on what is usable. */
static void
check_config (const char *data, size_t len, const char *bundle, const struct global_options *g,
              struct problem_list *out)
{
  oci_parse_problem *pp = NULL;
  oci_config *config = NULL;
  size_t n_pp = 0;
  bool fatal = false;

  /* Parsed as "config.json" so messages read config.json: path: problem. */
  if (oci_config_parse_data_all (data, len, "config.json", &config, &pp, &n_pp) < 0 && n_pp == 0)
    problems_add (out, PROBLEM_ERROR, "", NULL, "cannot parse config.json: out of memory");
  for (size_t i = 0; i < n_pp; i++)
    {
      problems_add (out, PROBLEM_ERROR, pp[i].path, parse_problem_hint (&pp[i]), "%s", pp[i].message);
      fatal |= pp[i].fatal;
    }
  if (config != NULL)
    add_runtime_problems (config, bundle, g, pp, n_pp, out);
  else if (n_pp > 0 && !fatal)
    problems_add (out, PROBLEM_WARNING, "", "fix the errors above and run `casing check` again",
                  "the runtime checks did not run: config.json is incomplete without the properties above");
  oci_config_free (config);
  oci_parse_problems_free (pp, n_pp);
}

static void
print_text (const struct problem_list *l, const char *config_path)
{
  for (size_t i = 0; i < l->len; i++)
    {
      const struct problem *p = &l->items[i];
      printf ("%s: %s%s%s: %s", p->severity == PROBLEM_ERROR ? "error" : "warning", config_path,
              *p->path ? ": " : "", p->path, p->message);
      if (p->hint)
        printf (" (hint: %s)", p->hint);
      putchar ('\n');
    }
  size_t e = problems_count (l, PROBLEM_ERROR), w = problems_count (l, PROBLEM_WARNING);
  printf ("%s: %zu error%s, %zu warning%s\n", e ? "invalid" : "valid", e, e == 1 ? "" : "s", w,
          w == 1 ? "" : "s");
}

static void
gen_string (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
print_json (const struct problem_list *l)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;

  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_map_open (g);
  gen_string (g, "valid");
  yajl_gen_bool (g, problems_count (l, PROBLEM_ERROR) == 0);
  gen_string (g, "problems");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < l->len; i++)
    {
      yajl_gen_map_open (g);
      gen_string (g, "severity");
      gen_string (g, l->items[i].severity == PROBLEM_ERROR ? "error" : "warning");
      gen_string (g, "path");
      gen_string (g, l->items[i].path);
      gen_string (g, "message");
      gen_string (g, l->items[i].message);
      if (l->items[i].hint)
        {
          gen_string (g, "hint");
          gen_string (g, l->items[i].hint);
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  yajl_gen_get_buf (g, &buf, &len);
  fwrite (buf, 1, len, stdout);
  yajl_gen_free (g);
}

int
cmd_check (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct check_args a = { .bundle = "." };
  struct problem_list problems = { 0 };
  cleanup_free char *bundle = NULL;
  cleanup_free char *config_path = NULL;
  cleanup_free char *data = NULL;
  size_t len = 0;
  int first, ret;

  first = cmd_parse_options ("check", check_opts, argc - 1, argv + 1, check_option, &a, err);
  if (first < 0)
    return -1;
  if (a.help)
    {
      cmd_print_help (stdout, "casing check [--bundle DIR] [--format text|json]",
                      "Validate a bundle without creating anything. Reports every problem with its\n"
                      "JSON path and a hint; exits 0 when `casing create` would accept the bundle.",
                      check_opts);
      return 0;
    }
  if (first + 1 < argc)
    return casing_error_set (err, 0, "check: unexpected argument `%s`", argv[first + 1]);
  bundle = realpath (a.bundle, NULL);
  if (bundle == NULL)
    return casing_error_errno (err, "check: bundle `%s`", a.bundle);
  xasprintf (&config_path, "%s/config.json", bundle);
  if (read_all_file (config_path, &data, &len, err) < 0)
    return -1;
  check_config (data, len, bundle, g, &problems);
  if (a.json)
    print_json (&problems);
  else
    print_text (&problems, "config.json");
  ret = problems_count (&problems, PROBLEM_ERROR) ? 1 : 0;
  problems_free (&problems);
  return ret;
}
