/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hostile input never crashes a parser: every prefix of every fixture,
 * seeded random mutations, deep nesting, NUL bytes, huge arrays.  When a
 * mutated document does parse, it must also survive generate + re-parse
 * unchanged.  Run it under valgrind with
 *   OCISPEC_ROBUST_STRIDE=7 valgrind --leak-check=full --error-exitcode=1 \
 *     tests/unit/test_ocispec_robust
 * (the stride skips prefixes so valgrind finishes in a minute or two). */
#include "ocispec_fixtures.h"

#define MUTATIONS_PER_FIXTURE 1500

static size_t parses, accepted;
static size_t prefix_stride = 1;

/* A result that parsed must generate, re-parse and compare equal. */
static void
check_accepted (const doc_kind *k, void *doc, const char *label)
{
  char *err = NULL, *out = oci_generate_document (k->desc, doc, false, k->name, &err);
  void *again = NULL;

  accepted++;
  if (!unit_check (out != NULL, "accepted document generates", label, 0))
    fprintf (stderr, "     %s: %s\n", k->dir, err);
  else if (!unit_check (oci_parse_document (k->desc, out, strlen (out), k->name, &again, &err) == 0,
                          "generated document re-parses", label, 0))
    fprintf (stderr, "     %s: %s\n", k->dir, err);
  else
    unit_check (oci_struct_equal (k->desc, doc, again, NULL, 0), "re-parse is equal", label, 0);
  oci_free_object (k->desc, again);
  free (out);
  free (err);
}

/* Collect-all mode agrees with the normal parse: same struct when valid,
 * the normal error among the problems otherwise, and what it returns
 * despite problems is a valid document. */
static void
check_collect_all (const doc_kind *k, const char *data, size_t len, const void *doc, const char *err,
                   const char *label)
{
  oci_parse_problem *p = NULL;
  void *all = NULL;
  size_t n = 0, i;
  int r = oci_parse_document_all (k->desc, data, len, k->name, &all, &p, &n);

  if (doc != NULL)
    unit_check (r == 0 && n == 0 && oci_struct_equal (k->desc, doc, all, NULL, 0),
                  "collect-all gives the same document", label, 0);
  else
    {
      for (i = 0; i < n && strcmp (p[i].full, err) != 0; i++)
        ;
      unit_check (r < 0 && i < n, "collect-all reports the normal error", label, 0);
      if (all != NULL)
        check_accepted (k, all, label);
    }
  oci_parse_problems_free (p, n);
  oci_free_object (k->desc, all);
}

/* Feeds `data` to every parser. */
static void
feed_all (const char *data, size_t len, const char *label)
{
  for (size_t i = 0; i < N_DOC_KINDS; i++)
    {
      void *doc = NULL;
      char *err = NULL;
      parses++;
      if (oci_parse_document (doc_kinds[i].desc, data, len, doc_kinds[i].name, &doc, &err) == 0)
        check_accepted (&doc_kinds[i], doc, label);
      else if (err == NULL || *err == '\0')
        unit_check (false, "a failure has a message", label, 0);
      check_collect_all (&doc_kinds[i], data, len, doc, err ? err : "", label);
      oci_free_object (doc_kinds[i].desc, doc);
      free (err);
    }
}

static uint64_t rng_state = 0x5eed1234abcd9876ull;

static uint64_t
rng_next (void)
{
  /* xorshift64: fixed seed, so a failure is reproducible */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void
mutate (char *buf, size_t *len, size_t cap)
{
  static const char interesting[] = "{}[]\",:-0123456789.eE\\ntfu \x00\xff";
  size_t pos = *len ? rng_next () % *len : 0;

  switch (rng_next () % 4)
    {
    case 0: /* overwrite with a random byte */
      if (*len)
        buf[pos] = (char) rng_next ();
      break;
    case 1: /* overwrite with a JSON-significant byte */
      if (*len)
        buf[pos] = interesting[rng_next () % (sizeof (interesting) - 1)];
      break;
    case 2: /* delete a byte */
      if (*len)
        memmove (buf + pos, buf + pos + 1, --*len - pos);
      break;
    default: /* duplicate a byte */
      if (*len && *len < cap)
        {
          memmove (buf + pos + 1, buf + pos, *len - pos);
          (*len)++;
        }
      break;
    }
}

static void
fuzz_fixture (const char *path)
{
  size_t len, i;
  char *data = read_whole_file (path, &len);
  char *buf;

  if (!unit_check (data != NULL, "readable", path, 0))
    return;
  for (i = 0; i < len; i += prefix_stride)
    feed_all (data, i, path);
  buf = malloc (len + 64);
  for (i = 0; i < MUTATIONS_PER_FIXTURE / prefix_stride; i++)
    {
      size_t blen = len, n = 1 + rng_next () % 4;
      memcpy (buf, data, len);
      while (n--)
        mutate (buf, &blen, len + 64);
      feed_all (buf, blen, path);
    }
  free (buf);
  free (data);
}

static void
fuzz_all_fixtures (void)
{
  static const char *const sides[] = { "good", "bad" };
  char dir[4096], path[4200];
  size_t count, n = 0;

  for (size_t k = 0; k < N_DOC_KINDS; k++)
    for (size_t s = 0; s < 2; s++)
      {
        snprintf (dir, sizeof (dir), "%s/%s/%s", test_data_dir (), doc_kinds[k].dir, sides[s]);
        char **names = list_json_files (dir, &count);
        for (size_t i = 0; names != NULL && i < count; i++, n++)
          {
            snprintf (path, sizeof (path), "%s/%s", dir, names[i]);
            fuzz_fixture (path);
          }
        free_names (names, count);
      }
  printf ("# fixtures: %zu files, %zu parses (prefixes and mutations), %zu accepted and re-checked\n", n, parses,
          accepted);
}

static char *
parse_config_error (const char *data, size_t len)
{
  oci_config *c = NULL;
  char *err = NULL;

  if (oci_config_parse_data (data, len, NULL, &c, &err) == 0)
    oci_config_free (c);
  return err;
}

/* `depth` nested arrays under an unknown property (the root is one level). */
static char *
nested_document (size_t depth, size_t *len)
{
  const char *head = "{\"ociVersion\":\"1\",\"x\":";
  size_t h = strlen (head);
  char *d = malloc (h + 2 * depth + 2);

  memcpy (d, head, h);
  memset (d + h, '[', depth);
  memset (d + h + depth, ']', depth);
  d[h + 2 * depth] = '}';
  *len = h + 2 * depth + 1;
  return d;
}

static void
check_deep_nesting (void)
{
  size_t len = 1000000;
  char *d = malloc (len), *err;

  memset (d, '[', len);
  err = parse_config_error (d, len);
  CHECK_STR (err, "config.json: nesting deeper than 64 levels");
  free (err);
  for (size_t i = 0; i + 5 <= len; i += 5)
    memcpy (d + i, "{\"a\":", 5);
  err = parse_config_error (d, len);
  CHECK_STR (err, "config.json: nesting deeper than 64 levels");
  free (err);
  free (d);

  d = nested_document (63, &len);
  err = parse_config_error (d, len);
  CHECK (err == NULL); /* 64 levels in all: the limit itself is accepted */
  free (err);
  free (d);
  d = nested_document (64, &len);
  err = parse_config_error (d, len);
  CHECK_STR (err, "config.json: nesting deeper than 64 levels");
  free (err);
  free (d);
  printf ("# deep nesting: 1000000 '[' and '{\"a\":' rejected, limit 64 checked\n");
}

static void
check_nul_bytes (void)
{
  static const char raw[] = "{\"ociVersion\":\"1.0\0\"}";
  static const char key[] = "{\"ociVersion\":\"1\",\"annotations\":{\"a\\u0000b\":\"c\"}}";
  static const char bad_utf8[] = "{\"ociVersion\":\"\xc3\x28\"}";
  char *err;

  err = parse_config_error (raw, sizeof (raw) - 1);
  CHECK (err != NULL && strncmp (err, "config.json: invalid JSON at byte", 33) == 0);
  free (err);
  err = parse_config_error (key, strlen (key));
  CHECK_STR (err, "config.json: annotations: object key contains a NUL byte");
  free (err);
  err = parse_config_error (bad_utf8, strlen (bad_utf8));
  CHECK (err != NULL && strstr (err, "invalid JSON") != NULL);
  free (err);
}

static char *
big_array_document (size_t n, size_t *len)
{
  const char *head = "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"args\":[";
  size_t h = strlen (head), o;
  char *d = malloc (h + n * 8 + 16);

  memcpy (d, head, h);
  o = h;
  for (size_t i = 0; i < n; i++)
    o += (size_t) sprintf (d + o, "%s\"a%zu\"", i ? "," : "", i % 1000);
  memcpy (d + o, "]}}", 3);
  *len = o + 3;
  return d;
}

static void
check_huge_inputs (void)
{
  size_t len;
  char *d = big_array_document (100000, &len);
  oci_config *c = NULL;
  char *err = NULL, *out;

  CHECK (oci_config_parse_data (d, len, NULL, &c, &err) == 0);
  if (c != NULL)
    {
      CHECK_UINT (c->process->args_len, 100000);
      CHECK_STR (c->process->args[99999], "a999");
      out = oci_config_generate (c, false, &err);
      CHECK (out != NULL && strlen (out) > 600000);
      free (out);
      oci_config_free (c);
    }
  free (err);
  free (d);

  /* a string of 1 MiB is fine; a document over 16 MiB is not */
  len = 17 * 1024 * 1024;
  d = malloc (len);
  memset (d, ' ', len);
  err = parse_config_error (d, len);
  CHECK_STR (err, "config.json: document larger than 16777216 bytes");
  free (err);
  free (d);
  printf ("# huge inputs: 100000-element array parsed and regenerated, 17 MiB rejected\n");
}

int
main (void)
{
  const char *stride = getenv ("OCISPEC_ROBUST_STRIDE");

  if (stride != NULL && atoi (stride) > 0)
    prefix_stride = (size_t) atoi (stride);
  UNIT_RUN (fuzz_all_fixtures ());
  UNIT_RUN (check_deep_nesting ());
  UNIT_RUN (check_nul_bytes ());
  UNIT_RUN (check_huge_inputs ());
  return unit_done ("test_ocispec_robust");
}
