/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public API of ocispec.h: thin wrappers binding each document type to
 * its table, plus the oci_map helpers. */
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"
#include "tables.h"

/* Defines the parse_data / parse_file / generate / free quartet of one
 * document type.  `NAME` prefixes messages from the generator. */
#define OCI_DOCUMENT_API(prefix, T, D, NAME)                                                                 \
  int prefix##_parse_data (const char *data, size_t len, const char *name, T **out, char **err)            \
  {                                                                                                         \
    return oci_parse_document (&(D), data, len, name ? name : (NAME), (void **) out, err);                 \
  }                                                                                                         \
  char *prefix##_generate (const T *p, bool pretty, char **err)                                             \
  {                                                                                                         \
    return oci_generate_document (&(D), p, pretty, (NAME), err);                                           \
  }                                                                                                         \
  void prefix##_free (T *p)                                                                                 \
  {                                                                                                         \
    oci_free_object (&(D), p);                                                                              \
  }

#define OCI_FILE_API(prefix, T, D)                                                                           \
  int prefix##_parse_file (const char *path, T **out, char **err)                                           \
  {                                                                                                         \
    return oci_parse_file (&(D), path, (void **) out, err);                                                \
  }

OCI_DOCUMENT_API (oci_config, oci_config, oci_config_desc, "config.json")
OCI_FILE_API (oci_config, oci_config, oci_config_desc)
OCI_DOCUMENT_API (oci_process, oci_process, oci_process_desc, "process.json")
OCI_FILE_API (oci_process, oci_process, oci_process_desc)
OCI_DOCUMENT_API (oci_resources, oci_resources, oci_resources_desc, "resources")
OCI_FILE_API (oci_resources, oci_resources, oci_resources_desc)
OCI_DOCUMENT_API (oci_state, oci_state, oci_state_desc, "state")
OCI_DOCUMENT_API (oci_container_process_state, oci_container_process_state, oci_container_process_state_desc,
                  "container process state")
OCI_DOCUMENT_API (oci_features, oci_features, oci_features_desc, "features")
OCI_DOCUMENT_API (casing_state, casing_state, casing_state_desc, "state.json")
OCI_FILE_API (casing_state, casing_state, casing_state_desc)

int
oci_config_parse_data_all (const char *data, size_t len, const char *name, oci_config **out,
                           oci_parse_problem **problems, size_t *n_problems)
{
  return oci_parse_document_all (&oci_config_desc, data, len, name ? name : "config.json", (void **) out,
                                 problems, n_problems);
}

void
oci_parse_problems_free (oci_parse_problem *problems, size_t n_problems)
{
  for (size_t i = 0; i < n_problems; i++)
    {
      free (problems[i].path);
      free (problems[i].message);
      free (problems[i].full);
      free (problems[i].skipped);
    }
  free (problems);
}

const char *
oci_map_get (const oci_map *m, const char *key)
{
  size_t i;

  if (m == NULL || key == NULL)
    return NULL;
  /* the last one wins, as when a JSON object repeats a key */
  for (i = m->len; i-- > 0;)
    if (m->items[i].key != NULL && strcmp (m->items[i].key, key) == 0)
      return m->items[i].value;
  return NULL;
}

static oci_kv *
map_find (oci_map *m, const char *key)
{
  size_t i;

  for (i = m->len; i-- > 0;)
    if (m->items[i].key != NULL && strcmp (m->items[i].key, key) == 0)
      return &m->items[i];
  return NULL;
}

int
oci_map_set (oci_map *m, const char *key, const char *value)
{
  oci_kv *kv, *items;
  char *v;

  if (m == NULL || key == NULL || value == NULL)
    return -1;
  v = strdup (value);
  if (v == NULL)
    return -1;
  kv = map_find (m, key);
  if (kv != NULL)
    {
      free (kv->value);
      kv->value = v;
      return 0;
    }
  items = realloc (m->items, (m->len + 1) * sizeof (*items));
  if (items == NULL)
    {
      free (v);
      return -1;
    }
  m->items = items;
  items[m->len].key = strdup (key);
  if (items[m->len].key == NULL)
    {
      free (v);
      return -1;
    }
  items[m->len].value = v;
  m->len++;
  return 0;
}
