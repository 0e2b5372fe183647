/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse -> generate -> parse keeps every field, for every document type,
 * on our fixtures and on the spec's good examples; "absent" and "empty
 * array" stay distinct.  The comparison walks the same tables as the
 * parser, so a field added to a table is covered without touching this.
 * `test_ocispec_roundtrip --emit KIND FILE` prints the regenerated JSON
 * (used by ocispec_schema_test.py to validate it against the schemas). */
#include <unistd.h>

#include "ocispec_fixtures.h"

static const doc_kind *
kind_named (const char *dir)
{
  for (size_t i = 0; i < N_DOC_KINDS; i++)
    if (strcmp (doc_kinds[i].dir, dir) == 0)
      return &doc_kinds[i];
  return NULL;
}

/* Round-trips one document; `label` names it in failure reports. */
static void
check_round_trip (const doc_kind *k, const char *data, size_t len, const char *label)
{
  void *first = NULL, *second = NULL;
  char *err = NULL, *compact, *pretty, *again;
  char where[512];

  if (!unit_check (oci_parse_document (k->desc, data, len, k->name, &first, &err) == 0, "good document parses",
                     label, 0))
    {
      fprintf (stderr, "     %s\n", err);
      free (err);
      return;
    }
  compact = oci_generate_document (k->desc, first, false, k->name, &err);
  pretty = oci_generate_document (k->desc, first, true, k->name, &err);
  if (!unit_check (compact != NULL && pretty != NULL, "generates", label, 0))
    fprintf (stderr, "     %s\n", err);
  else
    {
      CHECK (oci_parse_document (k->desc, pretty, strlen (pretty), k->name, &second, &err) == 0);
      if (!unit_check (oci_struct_equal (k->desc, first, second, where, sizeof (where)), "round trip equal", label, 0))
        fprintf (stderr, "     first difference at %s\n", where);
      /* generation is deterministic: the regenerated text is identical */
      again = oci_generate_document (k->desc, second, false, k->name, &err);
      CHECK_STR (again, compact);
      free (again);
    }
  free (err);
  free (compact);
  free (pretty);
  oci_free_object (k->desc, first);
  oci_free_object (k->desc, second);
}

static size_t
round_trip_dir (const doc_kind *k, const char *dir)
{
  size_t count, len, i;
  char **names = list_json_files (dir, &count);
  char path[4096];

  if (names == NULL)
    return 0;
  for (i = 0; i < count; i++)
    {
      snprintf (path, sizeof (path), "%s/%s", dir, names[i]);
      char *data = read_whole_file (path, &len);
      if (unit_check (data != NULL, "readable", path, 0))
        check_round_trip (k, data, len, path);
      free (data);
    }
  free_names (names, count);
  return count;
}

static void
round_trip_fixtures (void)
{
  char dir[4096];

  for (size_t i = 0; i < N_DOC_KINDS; i++)
    {
      snprintf (dir, sizeof (dir), "%s/%s/good", test_data_dir (), doc_kinds[i].dir);
      printf ("# %s: %zu good fixtures round-tripped\n", doc_kinds[i].dir, round_trip_dir (&doc_kinds[i], dir));
    }
}

/* Every good example of the spec parses, the non-Linux ones included:
 * their platform objects are unknown properties, ignored. */
static void
round_trip_spec_examples (void)
{
  static const char *const kinds[] = { "config", "state", "features" };
  char dir[4096];

  snprintf (dir, sizeof (dir), "%s/schema/test", spec_dir ());
  if (access (dir, F_OK) < 0)
    {
      SKIP_TEST ("the spec's examples are not found (set SPEC_DIR)");
    }
  for (size_t i = 0; i < 3; i++)
    {
      snprintf (dir, sizeof (dir), "%s/schema/test/%s/good", spec_dir (), kinds[i]);
      size_t n = round_trip_dir (kind_named (kinds[i]), dir);
      CHECK (n > 0);
      printf ("# spec %s: %zu good examples round-tripped\n", kinds[i], n);
    }
}

static void
check_absent_versus_empty (void)
{
  char *empty[1] = { NULL };
  oci_capabilities caps = { .effective = empty, .effective_len = 0 };
  oci_process proc = { .cwd = (char *) "/", .capabilities = &caps };
  oci_config cfg = { .oci_version = (char *) "1.3.0", .process = &proc };
  oci_config *back = NULL;
  char *err = NULL;
  char *out = oci_config_generate (&cfg, false, &err);

  CHECK_STR (out, "{\"ociVersion\":\"1.3.0\",\"process\":{\"cwd\":\"/\",\"capabilities\":{\"effective\":[]}}}");
  if (out != NULL && CHECK (oci_config_parse_data (out, strlen (out), NULL, &back, &err) == 0))
    {
      CHECK (back->process->capabilities->bounding == NULL);
      CHECK (back->process->capabilities->effective != NULL && back->process->capabilities->effective_len == 0);
      CHECK (oci_struct_equal (&oci_config_desc, &cfg, back, NULL, 0));
      back->process->capabilities->effective_len = 0;
      free (back->process->capabilities->effective);
      back->process->capabilities->effective = NULL;
      CHECK (!oci_struct_equal (&oci_config_desc, &cfg, back, NULL, 0));
    }
  oci_config_free (back);
  free (out);
  free (err);
}

/* The public wrappers of every type, not only the generic engine. */
static void
check_public_round_trips (void)
{
  const char *proc = "{\"user\":{\"uid\":0},\"args\":[\"sh\"],\"cwd\":\"/\"}"; /* table order */
  const char *res = "{\"pids\":{\"limit\":10},\"unified\":{}}";
  const char *feat = "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.3.0\"}";
  oci_process *p = NULL;
  oci_resources *r = NULL;
  oci_features *f = NULL;
  char *err = NULL, *out;

  CHECK (oci_process_parse_data (proc, strlen (proc), NULL, &p, &err) == 0);
  out = oci_process_generate (p, false, &err);
  CHECK_STR (out, proc);
  free (out);
  CHECK (oci_resources_parse_data (res, strlen (res), NULL, &r, &err) == 0);
  out = oci_resources_generate (r, false, &err);
  CHECK_STR (out, res);
  free (out);
  CHECK (oci_features_parse_data (feat, strlen (feat), NULL, &f, &err) == 0);
  out = oci_features_generate (f, false, &err);
  CHECK_STR (out, feat);
  free (out);
  oci_process_free (p);
  oci_resources_free (r);
  oci_features_free (f);
}

static void
check_casing_state_file (void)
{
  casing_state s = { .id = (char *) "c1", .bundle = (char *) "/b", .has_pid = true, .pid = 42 };
  oci_map extra = { 0 };
  casing_state *back = NULL;
  char tmpl[] = "/tmp/ocispec-state-XXXXXX";
  char *err = NULL, *out;
  int fd;

  CHECK (oci_map_set (&extra, "cgroup.dir", "/sys/fs/cgroup/x") == 0);
  s.extra = &extra;
  out = casing_state_generate (&s, true, &err);
  fd = mkstemp (tmpl);
  if (CHECK (out != NULL && fd >= 0))
    {
      CHECK (write (fd, out, strlen (out)) == (ssize_t) strlen (out));
      close (fd);
      CHECK (casing_state_parse_file (tmpl, &back, &err) == 0);
      CHECK (oci_struct_equal (&casing_state_desc, &s, back, NULL, 0));
      unlink (tmpl);
    }
  casing_state_free (back);
  free (out);
  free (err);
  free (extra.items[0].key);
  free (extra.items[0].value);
  free (extra.items);
}

/* Every member of every struct is reached by its table: a run of 8 or
 * more bytes no field covers cannot be padding, so it is a member someone
 * added to ocispec.h and forgot to describe. */
static void
check_table_covers_struct (const oci_desc *d, int depth)
{
  unsigned char covered[1024] = { 0 };
  size_t run = 0, i;
  const oci_field *f;

  if (!CHECK (d->size <= sizeof (covered) && depth < 16))
    return;
  if (d->keyed)
    memset (covered + d->key_off, 1, sizeof (char *));
  for (f = d->fields; f->json != NULL; f++)
    {
      bool pointer = f->kind == OCI_OBJECT || f->kind == OCI_ARRAY || f->kind == OCI_STRING_MAP
                     || f->kind == OCI_OBJECT_MAP;
      memset (covered + f->off, 1, pointer ? sizeof (void *) : oci_kind_size (f->kind, f->sub));
      if (f->kind == OCI_ARRAY || f->kind == OCI_OBJECT_MAP)
        memset (covered + f->aux, 1, sizeof (size_t));
      else if (f->has_flag)
        covered[f->aux] = 1;
      if (f->sub != NULL)
        check_table_covers_struct (f->sub, depth + 1);
    }
  for (i = 0; i <= d->size; i++)
    {
      if (i < d->size && !covered[i])
        {
          run++;
          continue;
        }
      if (!unit_check (run < 8, "table covers every member", d->name, 0))
        fprintf (stderr, "     %zu bytes at offset %zu of %s are in no table\n", run, i - run, d->name);
      run = 0;
    }
}

static int
emit (const char *kind, const char *path)
{
  const doc_kind *k = kind_named (kind);
  size_t len;
  char *data = read_whole_file (path, &len), *err = NULL, *out = NULL;
  void *doc = NULL;

  if (k == NULL || data == NULL || oci_parse_document (k->desc, data, len, k->name, &doc, &err) < 0
      || (out = oci_generate_document (k->desc, doc, true, k->name, &err)) == NULL)
    {
      fprintf (stderr, "%s: %s\n", path, err ? err : "cannot read or unknown kind");
      return 1;
    }
  puts (out);
  free (out);
  free (data);
  oci_free_object (k->desc, doc);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--emit") == 0)
    return emit (argv[2], argv[3]);
  for (size_t i = 0; i < N_DOC_KINDS; i++)
    UNIT_RUN (check_table_covers_struct (doc_kinds[i].desc, 0));
  UNIT_RUN (round_trip_fixtures ());
  UNIT_RUN (round_trip_spec_examples ());
  UNIT_RUN (check_absent_versus_empty ());
  UNIT_RUN (check_public_round_trips ());
  UNIT_RUN (check_casing_state_file ());
  return unit_done ("test_ocispec_roundtrip");
}
