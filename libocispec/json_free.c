/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Freeing, driven by the same tables as parsing. */
#include <stdlib.h>
#include <string.h>

#include "json_engine.h"
#include "ocispec.h"

static void
free_element (oci_kind kind, const oci_desc *sub, void *p)
{
  if (kind == OCI_STRING)
    free (*(char **) p);
  else if (kind == OCI_OBJECT)
    oci_free_struct (sub, p);
}

static void
free_string_map (oci_map *m)
{
  size_t i;

  if (m == NULL)
    return;
  for (i = 0; i < m->len; i++)
    {
      free (m->items[i].key);
      free (m->items[i].value);
    }
  free (m->items);
  free (m);
}

static void
free_field (const oci_field *f, void *base)
{
  void *p = (char *) base + f->off;
  size_t i, len, esize;
  char *items;

  switch (f->kind)
    {
    case OCI_STRING:
      free (*(char **) p);
      break;
    case OCI_OBJECT:
      oci_free_object (f->sub, *(void **) p);
      break;
    case OCI_STRING_MAP:
      free_string_map (*(oci_map **) p);
      break;
    case OCI_ARRAY:
    case OCI_OBJECT_MAP:
      items = *(char **) p;
      len = *(size_t *) ((char *) base + f->aux);
      esize = oci_kind_size (f->kind == OCI_ARRAY ? f->elem : OCI_OBJECT, f->sub);
      for (i = 0; items != NULL && i < len; i++)
        free_element (f->kind == OCI_ARRAY ? f->elem : OCI_OBJECT, f->sub, items + i * esize);
      free (items);
      break;
    default:
      break;
    }
}

void
oci_clear_field (const oci_field *f, void *base)
{
  void *p = (char *) base + f->off;

  free_field (f, base);
  switch (f->kind)
    {
    case OCI_ARRAY:
    case OCI_OBJECT_MAP:
      *(size_t *) ((char *) base + f->aux) = 0;
      /* fall through */
    case OCI_STRING:
    case OCI_OBJECT:
    case OCI_STRING_MAP:
      *(void **) p = NULL;
      break;
    default:
      memset (p, 0, oci_kind_size (f->kind, NULL));
      if (f->has_flag)
        *(bool *) ((char *) base + f->aux) = false;
      break;
    }
}

void
oci_free_struct (const oci_desc *d, void *p)
{
  const oci_field *f;

  if (p == NULL)
    return;
  for (f = d->fields; f->json != NULL; f++)
    free_field (f, p);
  if (d->keyed)
    free (*(char **) ((char *) p + d->key_off));
}

void
oci_free_object (const oci_desc *d, void *p)
{
  oci_free_struct (d, p);
  free (p);
}
