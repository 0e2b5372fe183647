/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every bad fixture fails with its exact message; integer ranges; the
 * spec's own bad examples; error prefixes of the public API.
 * `test_ocispec_errors --print KIND` prints the messages in the format of
 * tests/data/KIND/bad/expected-errors.txt, to review new fixtures. */
#include <errno.h>
#include <unistd.h>

#include "ocispec_fixtures.h"

static bool print_mode;
static const char *print_kind;

/* The message expected for `file`, from "<file>: <message>" lines. */
static char *
expected_message (const char *expectations, const char *file)
{
  size_t flen = strlen (file);
  const char *line = expectations;

  while (line != NULL && *line)
    {
      const char *end = strchr (line, '\n');
      size_t llen = end ? (size_t) (end - line) : strlen (line);
      if (llen > flen + 2 && strncmp (line, file, flen) == 0 && line[flen] == ':' && line[flen + 1] == ' ')
        return strndup (line + flen + 2, llen - flen - 2);
      line = end ? end + 1 : NULL;
    }
  return NULL;
}

static char *
parse_error_of (const doc_kind *k, const char *data, size_t len)
{
  void *out = NULL;
  char *err = NULL;

  if (oci_parse_document (k->desc, data, len, k->name, &out, &err) == 0)
    {
      oci_free_object (k->desc, out);
      return NULL;
    }
  return err;
}

static void
check_bad_fixture (const doc_kind *k, const char *dir, const char *file, const char *expectations)
{
  char path[8192];
  size_t len;
  char *data, *err, *want;

  snprintf (path, sizeof (path), "%s/%s", dir, file);
  data = read_whole_file (path, &len);
  if (!CHECK (data != NULL))
    return;
  err = parse_error_of (k, data, len);
  if (print_mode)
    printf ("%s: %s\n", file, err ? err : "PARSED");
  else
    {
      want = expected_message (expectations, file);
      if (!unit_check (want != NULL, "expected-errors.txt has an entry", path, 0))
        fprintf (stderr, "     missing entry for %s\n", file);
      else if (!unit_check (err != NULL, "bad fixture is rejected", path, 0))
        ;
      else
        CHECK_STR (err, want);
      free (want);
    }
  free (err);
  free (data);
}

static void
check_bad_fixtures (const doc_kind *k)
{
  char dir[4096], exp_path[4200];
  size_t count, len, i;
  char **names, *expectations;

  snprintf (dir, sizeof (dir), "%s/%s/bad", test_data_dir (), k->dir);
  snprintf (exp_path, sizeof (exp_path), "%s/expected-errors.txt", dir);
  names = list_json_files (dir, &count);
  if (names == NULL)
    return;
  expectations = read_whole_file (exp_path, &len);
  if (!print_mode)
    printf ("# %s: %zu bad fixtures\n", k->dir, count);
  for (i = 0; i < count; i++)
    check_bad_fixture (k, dir, names[i], expectations ? expectations : "");
  free (expectations);
  free_names (names, count);
}

/* Parses `json` as a process.json and returns its error (NULL if it parsed). */
static char *
process_error (const char *json)
{
  oci_process *p = NULL;
  char *err = NULL;

  if (oci_process_parse_data (json, strlen (json), NULL, &p, &err) == 0)
    oci_process_free (p);
  return err;
}

static char *
resources_error (const char *json)
{
  oci_resources *r = NULL;
  char *err = NULL;

  if (oci_resources_parse_data (json, strlen (json), "update", &r, &err) == 0)
    oci_resources_free (r);
  return err;
}

#define CHECK_PROCESS_ERROR(json, msg)                                                                    \
  do                                                                                                      \
    {                                                                                                     \
      char *e_ = process_error (json);                                                                    \
      CHECK_STR (e_, msg);                                                                                \
      free (e_);                                                                                          \
    }                                                                                                     \
  while (0)

#define CHECK_RESOURCES_ERROR(json, msg)                                                                  \
  do                                                                                                      \
    {                                                                                                     \
      char *e_ = resources_error (json);                                                                  \
      CHECK_STR (e_, msg);                                                                                \
      free (e_);                                                                                          \
    }                                                                                                     \
  while (0)

static void
check_uint_ranges (void)
{
  oci_process *p = NULL;
  char *err = NULL;
  const char *ok = "{\"cwd\":\"/\",\"user\":{\"uid\":4294967295,\"gid\":0},"
                   "\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":18446744073709551615,\"hard\":0}]}";

  CHECK (oci_process_parse_data (ok, strlen (ok), "p", &p, &err) == 0);
  if (p != NULL)
    {
      CHECK_UINT (p->user->uid, 4294967295u);
      CHECK_UINT (p->rlimits[0].soft, UINT64_MAX);
      CHECK (p->user->has_gid && p->user->gid == 0);
      oci_process_free (p);
    }
  free (err);
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"user\":{\"uid\":4294967296}}",
                       "process.json: user.uid: 4294967296 is out of range (0..4294967295)");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"user\":{\"uid\":-1}}", "process.json: user.uid: expected a non-negative integer");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"user\":{\"uid\":1.5}}", "process.json: user.uid: expected a non-negative integer");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"user\":{\"uid\":1.0}}", "process.json: user.uid: expected a non-negative integer");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"user\":{\"uid\":1e2}}", "process.json: user.uid: expected a non-negative integer");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"user\":{\"uid\":true}}", "process.json: user.uid: expected a non-negative integer");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":18446744073709551616,\"hard\":0}]}",
                       "process.json: rlimits[0].soft: 18446744073709551616 is out of range (0..18446744073709551615)");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":0,\"hard\":"
                       "1000000000000000000000000000000000000000000000000000000000000}]}",
                       "process.json: rlimits[0].hard: 1000000000000000000000000000000000000000... is out of range "
                       "(0..18446744073709551615)");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"oomScoreAdj\":-2147483649}",
                       "process.json: oomScoreAdj: -2147483649 is out of range (-2147483648..2147483647)");
  CHECK_PROCESS_ERROR ("{\"cwd\":\"/\",\"oomScoreAdj\":1.5}", "process.json: oomScoreAdj: expected an integer");
}

static void
check_int64_ranges (void)
{
  oci_resources *r = NULL;
  char *err = NULL;
  const char *ok = "{\"memory\":{\"limit\":9223372036854775807,\"swap\":-9223372036854775808},"
                   "\"blockIO\":{\"weight\":65535}}";

  CHECK (oci_resources_parse_data (ok, strlen (ok), NULL, &r, &err) == 0);
  if (r != NULL)
    {
      CHECK_INT (r->memory->limit, INT64_MAX);
      CHECK_INT (r->memory->swap, INT64_MIN);
      CHECK_UINT (r->block_io->weight, 65535);
      oci_resources_free (r);
    }
  free (err);
  CHECK_RESOURCES_ERROR ("{\"memory\":{\"limit\":9223372036854775808}}",
                         "update: memory.limit: 9223372036854775808 is out of range "
                         "(-9223372036854775808..9223372036854775807)");
  CHECK_RESOURCES_ERROR ("{\"memory\":{\"swap\":-9223372036854775809}}",
                         "update: memory.swap: -9223372036854775809 is out of range "
                         "(-9223372036854775808..9223372036854775807)");
  CHECK_RESOURCES_ERROR ("{\"blockIO\":{\"weight\":65536}}", "update: blockIO.weight: 65536 is out of range (0..65535)");
  CHECK_RESOURCES_ERROR ("{\"pids\":{\"limit\":\"max\"}}", "update: pids.limit: expected an integer");
  CHECK_RESOURCES_ERROR ("[]", "update: expected an object");
}

static void
check_spec_bad_examples (void)
{
  static const struct
  {
    const char *file;
    const char *message; /* NULL: any error */
  } cases[] = {
    { "config/bad/invalid-json.json", NULL },
    { "config/bad/linux-hugepage.json",
      "config.json: linux.resources.hugepageLimits[0].pageSize: \"64kB\" does not match ^[1-9][0-9]*[KMG]B$" },
    { "config/bad/linux-netdevice.json", "config.json: linux.netDevices.eth0.name: expected a string" },
    { "config/bad/linux-rdma.json", "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected a non-negative integer" },
    { "state/bad/invalid-json.json", NULL },
    { "features/bad/missing-ociVersionMax.json", "features: ociVersionMax: required property missing" },
  };
  char path[4096];
  size_t i, len;

  snprintf (path, sizeof (path), "%s/schema/test", spec_dir ());
  if (access (path, F_OK) < 0)
    {
      SKIP_TEST ("the spec's examples are not found (set SPEC_DIR)");
    }
  for (i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      const doc_kind *k = cases[i].file[0] == 'c' ? &doc_kinds[0] : cases[i].file[0] == 's' ? &doc_kinds[3] : &doc_kinds[4];
      snprintf (path, sizeof (path), "%s/schema/test/%s", spec_dir (), cases[i].file);
      char *data = read_whole_file (path, &len);
      if (!unit_check (data != NULL, "spec example readable", path, 0))
        continue;
      char *err = parse_error_of (k, data, len);
      if (unit_check (err != NULL, "spec bad example is rejected", path, 0) && cases[i].message)
        CHECK_STR (err, cases[i].message);
      if (err != NULL && strncmp (err, k->name, strlen (k->name)) != 0)
        unit_check (false, "message starts with the document name", path, 0);
      free (err);
      free (data);
    }
  printf ("# spec bad examples: %zu checked\n", i);
}

static void
check_file_errors (void)
{
  oci_config *c = NULL;
  char *err = NULL;
  char tmpl[] = "/tmp/ocispec-big-XXXXXX";
  int fd;

  CHECK (oci_config_parse_file ("/nonexistent/config.json", &c, &err) < 0 && c == NULL);
  CHECK_STR (err, "/nonexistent/config.json: No such file or directory");
  free (err);

  /* a document over the 16 MiB limit is refused before parsing */
  fd = mkstemp (tmpl);
  if (!CHECK (fd >= 0))
    return;
  CHECK (ftruncate (fd, 17 * 1024 * 1024) == 0);
  close (fd);
  CHECK (oci_config_parse_file (tmpl, &c, &err) < 0);
  char *want = NULL;
  CHECK (asprintf (&want, "%s: document larger than 16777216 bytes", tmpl) > 0);
  CHECK_STR (err, want);
  free (want);
  free (err);
  unlink (tmpl);
}

static void
check_generator_errors (void)
{
  oci_state s = { .oci_version = (char *) "1.3.0", .status = (char *) "running", .bundle = (char *) "/b" };
  char *err = NULL;
  char *out = oci_state_generate (&s, false, &err);

  CHECK (out == NULL);
  CHECK_STR (err, "state: id: required property missing");
  free (err);
  s.id = (char *) "x";
  s.status = (char *) "exploded";
  out = oci_state_generate (&s, false, &err);
  CHECK (out == NULL);
  CHECK_STR (err, "state: status: unknown value \"exploded\" (expected one of creating, created, running, stopped, "
                  "paused)");
  free (err);
  s.status = (char *) "stopped";
  s.has_pid = true;
  s.pid = -3;
  out = oci_state_generate (&s, false, &err);
  CHECK_STR (err, "state: pid: value is out of range (0..9223372036854775807)");
  free (err);
  s.pid = 3;
  out = oci_state_generate (&s, false, &err);
  CHECK_STR (out, "{\"ociVersion\":\"1.3.0\",\"id\":\"x\",\"status\":\"stopped\",\"pid\":3,\"bundle\":\"/b\"}");
  free (out);
  CHECK (oci_config_generate (NULL, false, &err) == NULL);
  CHECK_STR (err, "config.json: nothing to generate");
  free (err);
}

int
main (int argc, char **argv)
{
  size_t i;

  print_mode = argc > 2 && strcmp (argv[1], "--print") == 0;
  print_kind = print_mode ? argv[2] : NULL;
  if (print_mode)
    {
      for (i = 0; i < N_DOC_KINDS; i++)
        if (strcmp (print_kind, doc_kinds[i].dir) == 0)
          check_bad_fixtures (&doc_kinds[i]);
      return 0;
    }
  for (i = 0; i < N_DOC_KINDS; i++)
    UNIT_RUN (check_bad_fixtures (&doc_kinds[i]));
  UNIT_RUN (check_uint_ranges ());
  UNIT_RUN (check_int64_ranges ());
  UNIT_RUN (check_spec_bad_examples ());
  UNIT_RUN (check_file_errors ());
  UNIT_RUN (check_generator_errors ());
  return unit_done ("test_ocispec_errors");
}
