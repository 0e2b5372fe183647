/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fixtures of the libocispec unit tests: where tests/data and the
 * spec's examples are, reading them, and every kind of document. */
#ifndef OCISPEC_FIXTURES_H
#define OCISPEC_FIXTURES_H

#include <dirent.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"
#include "tables.h"
#include "unit_test.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif
#ifndef SPEC_DIR_DEFAULT
#define SPEC_DIR_DEFAULT "../shared/runtime-spec"
#endif

static inline const char *
test_data_dir (void)
{
  const char *d = getenv ("OCISPEC_TEST_DATA");
  return d ? d : TEST_DATA_DIR;
}

static inline const char *
spec_dir (void)
{
  const char *d = getenv ("SPEC_DIR");
  return d ? d : SPEC_DIR_DEFAULT;
}

static inline char *
read_whole_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  size_t cap = 0, n;

  *len = 0;
  if (f == NULL)
    return NULL;
  do
    {
      if (*len + 4096 > cap)
        {
          cap = (cap + 4096) * 2;
          char *nb = realloc (buf, cap);
          if (nb == NULL)
            break;
          buf = nb;
        }
      n = fread (buf + *len, 1, cap - *len, f);
      *len += n;
    }
  while (n > 0);
  fclose (f);
  if (buf != NULL)
    buf[*len] = '\0'; /* the loop always leaves room */
  return buf;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The *.json files of a directory, sorted; NULL when it does not exist. */
static inline char **
list_json_files (const char *dir, size_t *count)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  char **names = NULL;

  *count = 0;
  if (d == NULL)
    return NULL;
  while ((e = readdir (d)) != NULL)
    {
      size_t l = strlen (e->d_name);
      if (l < 5 || strcmp (e->d_name + l - 5, ".json") != 0)
        continue;
      names = realloc (names, (*count + 1) * sizeof (*names));
      names[(*count)++] = strdup (e->d_name);
    }
  closedir (d);
  if (names == NULL)
    names = calloc (1, sizeof (*names));
  qsort (names, *count, sizeof (*names), compare_names);
  return names;
}

static inline void
free_names (char **names, size_t count)
{
  for (size_t i = 0; i < count; i++)
    free (names[i]);
  free (names);
}

/* Every kind of document, for the tests that treat them generically. */
typedef struct doc_kind
{
  const char *dir; /* under tests/data */
  const oci_desc *desc;
  const char *name; /* message prefix */
} doc_kind;

static const doc_kind doc_kinds[] = {
  { "config", &oci_config_desc, "config.json" },
  { "process", &oci_process_desc, "process.json" },
  { "resources", &oci_resources_desc, "resources" },
  { "state", &oci_state_desc, "state" },
  { "features", &oci_features_desc, "features" },
  { "casing-state", &casing_state_desc, "state.json" },
  { "process-state", &oci_container_process_state_desc, "container process state" },
};
#define N_DOC_KINDS (sizeof (doc_kinds) / sizeof (doc_kinds[0]))

#endif
