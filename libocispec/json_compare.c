/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deep equality driven by the tables: the tests use it to prove a round
 * trip keeps every field, including "absent" versus "empty". */
#include <stdio.h>
#include <string.h>

#include "json_engine.h"
#include "ocispec.h"

static bool struct_equal (oci_walk *w, const oci_desc *d, const void *a, const void *b);

static bool
strings_equal (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp (a, b) == 0);
}

static bool
element_equal (oci_walk *w, const oci_field *f, oci_kind kind, const void *a, const void *b)
{
  switch (kind)
    {
    case OCI_STRING:
      return strings_equal (*(char *const *) a, *(char *const *) b);
    case OCI_BOOL:
      return *(const bool *) a == *(const bool *) b;
    case OCI_OBJECT:
      return struct_equal (w, f->sub, a, b);
    default:
      return memcmp (a, b, oci_kind_size (kind, NULL)) == 0;
    }
}

static bool
maps_equal (oci_walk *w, const oci_map *a, const oci_map *b)
{
  size_t i;

  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return false;
  for (i = 0; i < a->len; i++)
    if (!strings_equal (a->items[i].key, b->items[i].key) || !strings_equal (a->items[i].value, b->items[i].value))
      {
        oci_path_push_key (w, a->items[i].key ? a->items[i].key : "?");
        return false;
      }
  return true;
}

static bool
arrays_equal (oci_walk *w, const oci_field *f, const void *base_a, const void *base_b)
{
  const char *a = *(char *const *) ((const char *) base_a + f->off);
  const char *b = *(char *const *) ((const char *) base_b + f->off);
  size_t len = *(const size_t *) ((const char *) base_a + f->aux);
  oci_kind kind = f->kind == OCI_ARRAY ? f->elem : OCI_OBJECT;
  size_t esize = oci_kind_size (kind, f->sub);
  size_t i;

  if (a == NULL || b == NULL)
    return a == b;
  if (len != *(const size_t *) ((const char *) base_b + f->aux))
    return false;
  for (i = 0; i < len; i++)
    {
      size_t saved = oci_path_push_index (w, i);
      if (!element_equal (w, f, kind, a + i * esize, b + i * esize))
        return false;
      oci_path_pop (w, saved);
    }
  return true;
}

static bool
field_equal (oci_walk *w, const oci_field *f, const void *base_a, const void *base_b)
{
  const char *a = (const char *) base_a + f->off;
  const char *b = (const char *) base_b + f->off;
  const void *pa, *pb;

  switch (f->kind)
    {
    case OCI_OBJECT:
      pa = *(void *const *) a, pb = *(void *const *) b;
      if (pa == NULL || pb == NULL)
        return pa == pb;
      return struct_equal (w, f->sub, pa, pb);
    case OCI_STRING_MAP:
      return maps_equal (w, *(oci_map *const *) a, *(oci_map *const *) b);
    case OCI_ARRAY:
    case OCI_OBJECT_MAP:
      return arrays_equal (w, f, base_a, base_b);
    default:
      if (f->has_flag)
        {
          bool ha = *(const bool *) ((const char *) base_a + f->aux);
          bool hb = *(const bool *) ((const char *) base_b + f->aux);
          if (ha != hb)
            return false;
          if (!ha)
            return true;
        }
      return element_equal (w, f, f->kind, a, b);
    }
}

static bool
struct_equal (oci_walk *w, const oci_desc *d, const void *a, const void *b)
{
  const oci_field *f;

  if (d->keyed
      && !strings_equal (*(char *const *) ((const char *) a + d->key_off),
                         *(char *const *) ((const char *) b + d->key_off)))
    return false;
  for (f = d->fields; f->json != NULL; f++)
    {
      size_t saved = oci_path_push_key (w, f->json);
      if (!field_equal (w, f, a, b))
        return false;
      oci_path_pop (w, saved);
    }
  return true;
}

bool
oci_struct_equal (const oci_desc *d, const void *a, const void *b, char *where, size_t where_size)
{
  oci_walk w = { .name = "" };
  bool eq;

  if (a == NULL || b == NULL)
    eq = a == b;
  else
    eq = struct_equal (&w, d, a, b);
  if (!eq && where != NULL && where_size > 0)
    snprintf (where, where_size, "%s", w.path_len ? w.path : "(top)");
  return eq;
}
