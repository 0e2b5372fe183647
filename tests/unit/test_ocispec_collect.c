/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Collect-all parsing (oci_config_parse_data_all): every problem of a
 * document, in document order, with its path, message and the value it left
 * absent; what comes back keeps the guarantees of a normal parse.
 * `test_ocispec_collect --print` prints the problems of the fixtures in the
 * format of tests/data/config/collect/expected-problems.txt. */
#include "ocispec_fixtures.h"

static bool print_mode;

/* The problems as "<file>: <path> | <skipped> | <message>" lines. */
static char *
format_problems (const char *file, const oci_parse_problem *p, size_t n)
{
  char *text = strdup (""), *line;

  for (size_t i = 0; i < n && text != NULL; i++)
    {
      if (asprintf (&line, "%s%s: %s | %s | %s\n", text, file, p[i].path, p[i].skipped, p[i].message) < 0)
        line = NULL;
      free (text);
      text = line;
    }
  return text;
}

/* The lines of `expectations` that start with "<file>: ". */
static char *
expected_lines (const char *expectations, const char *file)
{
  size_t flen = strlen (file), used = 0;
  char *out = calloc (1, strlen (expectations) + 1);

  for (const char *line = expectations; out != NULL && line != NULL && *line;)
    {
      const char *end = strchr (line, '\n');
      size_t llen = end ? (size_t) (end - line) + 1 : strlen (line);
      if (strncmp (line, file, flen) == 0 && line[flen] == ':' && line[flen + 1] == ' ')
        {
          memcpy (out + used, line, llen);
          used += llen;
        }
      line = end ? end + 1 : NULL;
    }
  return out;
}

static void
check_fixture (const char *dir, const char *file, const char *expectations)
{
  char path[8192], *data, *got, *want;
  oci_parse_problem *p = NULL;
  oci_config *c = NULL;
  size_t len, n = 0;

  snprintf (path, sizeof (path), "%s/%s", dir, file);
  data = read_whole_file (path, &len);
  if (!CHECK (data != NULL))
    return;
  CHECK (oci_config_parse_data_all (data, len, NULL, &c, &p, &n) < 0);
  got = format_problems (file, p, n);
  if (print_mode)
    fputs (got ? got : "", stdout);
  else
    {
      want = expected_lines (expectations, file);
      CHECK_STR (got, want);
      free (want);
    }
  for (size_t i = 0; i < n; i++)
    {
      char *full = NULL;
      CHECK (asprintf (&full, "config.json: %s%s%s", p[i].path, *p[i].path ? ": " : "", p[i].message) > 0);
      CHECK_STR (p[i].full, full);
      CHECK (!p[i].fatal);
      free (full);
    }
  free (got);
  oci_parse_problems_free (p, n);
  oci_config_free (c);
  free (data);
}

static void
check_fixtures (void)
{
  char dir[4096], exp_path[4200];
  size_t count, len;
  char **names, *expectations;

  snprintf (dir, sizeof (dir), "%s/config/collect", test_data_dir ());
  snprintf (exp_path, sizeof (exp_path), "%s/expected-problems.txt", dir);
  names = list_json_files (dir, &count);
  expectations = read_whole_file (exp_path, &len);
  if (!CHECK (names != NULL && count >= 2 && expectations != NULL))
    return;
  for (size_t i = 0; i < count; i++)
    check_fixture (dir, names[i], expectations);
  free (expectations);
  free_names (names, count);
}

static oci_config *
parse_all (const char *rel, oci_parse_problem **p, size_t *n)
{
  char path[4096], *data;
  oci_config *c = NULL;
  size_t len;

  snprintf (path, sizeof (path), "%s/%s", test_data_dir (), rel);
  data = read_whole_file (path, &len);
  if (!CHECK (data != NULL))
    return NULL;
  oci_config_parse_data_all (data, len, NULL, &c, p, n);
  free (data);
  return c;
}

/* The bad parts are absent, everything else is there. */
static void
check_what_is_left (void)
{
  oci_parse_problem *p = NULL;
  size_t n = 0;
  oci_config *c = parse_all ("config/collect/many-errors.json", &p, &n);

  if (!CHECK (c != NULL && c->process != NULL && c->linux_ != NULL && c->root != NULL))
    goto out;
  CHECK_STR (c->oci_version, "1.3.0");
  CHECK_STR (c->process->cwd, "/");
  CHECK (!c->process->has_terminal && !c->process->has_oom_score_adj);
  CHECK (c->process->user != NULL && !c->process->user->has_uid && c->process->user->has_gid);
  CHECK (c->process->args == NULL && c->process->args_len == 0);
  CHECK (c->process->rlimits == NULL && c->process->rlimits_len == 0);
  CHECK (c->hostname == NULL && c->mounts == NULL && c->mounts_len == 0);
  CHECK_STR (c->root->path, "rootfs");
  CHECK (!c->root->has_readonly);
  CHECK (c->linux_->namespaces == NULL && c->linux_->devices == NULL && c->linux_->sysctl == NULL);
  CHECK (c->linux_->resources != NULL && c->linux_->resources->pids == NULL);
  CHECK (c->linux_->resources->memory != NULL && !c->linux_->resources->memory->has_limit);
  CHECK (c->linux_->resources->memory->has_swap && c->linux_->resources->memory->swap == 5);
  CHECK (c->linux_->rootfs_propagation == NULL);
  CHECK_STR (c->linux_->seccomp->default_action, "SCMP_ACT_ALLOW");
  CHECK (c->linux_->seccomp->syscalls == NULL);
  CHECK_STR (c->linux_->masked_paths[0], "/proc/kcore");
  CHECK_STR (oci_map_get (c->annotations, "a"), "b");
  /* what is left is a valid document */
  char *err = NULL, *out = oci_config_generate (c, false, &err);
  CHECK (out != NULL);
  free (out);
  free (err);
out:
  oci_parse_problems_free (p, n);
  oci_config_free (c);
}

static void
check_fatal (const char *json, const char *message)
{
  oci_parse_problem *p = NULL;
  oci_config *c = NULL;
  size_t n = 0;

  CHECK (oci_config_parse_data_all (json, strlen (json), "cfg", &c, &p, &n) < 0);
  CHECK (c == NULL);
  if (CHECK (n == 1))
    {
      CHECK_STR (p[0].message, message);
      CHECK_STR (p[0].path, "");
      CHECK_STR (p[0].skipped, "");
      CHECK (p[0].fatal);
      char *full = NULL;
      CHECK (asprintf (&full, "cfg: %s", message) > 0);
      CHECK_STR (p[0].full, full);
      free (full);
    }
  oci_parse_problems_free (p, n);
}

/* A valid document gives what the normal parse gives, and no problem. */
static void
check_valid_document (void)
{
  char path[4096], *data, *err = NULL;
  oci_config *a = NULL, *b = NULL;
  oci_parse_problem *p = NULL;
  size_t len, n = 99;
  char where[256] = "";

  snprintf (path, sizeof (path), "%s/config/good/every-field.json", test_data_dir ());
  data = read_whole_file (path, &len);
  if (!CHECK (data != NULL))
    return;
  CHECK (oci_config_parse_data_all (data, len, NULL, &a, &p, &n) == 0);
  CHECK (n == 0);
  CHECK (oci_config_parse_data (data, len, NULL, &b, &err) == 0);
  if (CHECK (a != NULL && b != NULL) && !CHECK (oci_struct_equal (&oci_config_desc, a, b, where, sizeof (where))))
    fprintf (stderr, "     first difference at %s\n", where);
  oci_parse_problems_free (p, n);
  oci_config_free (a);
  oci_config_free (b);
  free (err);
  free (data);
}

/* On each bad fixture (one error each) the collect-all mode reports the
 * very message of the normal parse. */
static void
check_agrees_with_normal_parse (void)
{
  char dir[4096], path[8192];
  size_t count, len, checked = 0;
  char **names = NULL;

  snprintf (dir, sizeof (dir), "%s/config/bad", test_data_dir ());
  names = list_json_files (dir, &count);
  for (size_t i = 0; names != NULL && i < count; i++)
    {
      oci_parse_problem *p = NULL;
      oci_config *c = NULL, *c2 = NULL;
      char *err = NULL, *data;
      size_t n = 0;

      snprintf (path, sizeof (path), "%s/%s", dir, names[i]);
      data = read_whole_file (path, &len);
      if (data == NULL)
        continue;
      CHECK (oci_config_parse_data (data, len, NULL, &c, &err) < 0);
      CHECK (oci_config_parse_data_all (data, len, NULL, &c2, &p, &n) < 0);
      if (unit_check (n == 1, "one problem", path, 0))
        CHECK_STR (p[0].full, err);
      checked++;
      oci_parse_problems_free (p, n);
      oci_config_free (c2);
      free (err);
      free (data);
    }
  CHECK (checked > 40);
  free_names (names, count);
}

int
main (int argc, char **argv)
{
  print_mode = argc > 1 && strcmp (argv[1], "--print") == 0;
  if (print_mode)
    {
      check_fixtures ();
      return 0;
    }
  UNIT_RUN (check_fixtures ());
  UNIT_RUN (check_what_is_left ());
  UNIT_RUN (check_fatal ("{\"ociVersion\": ", "invalid JSON at byte 15: parse error: premature EOF"));
  UNIT_RUN (check_fatal ("[1]", "expected an object"));
  UNIT_RUN (check_valid_document ());
  UNIT_RUN (check_agrees_with_normal_parse ());
  return unit_done ("test_ocispec_collect");
}
