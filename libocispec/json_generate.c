/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From the structs of ocispec.h to JSON text with yajl_gen, driven by the
 * same tables as parsing; the same enum/pattern/required checks run, so we
 * never write a document we would refuse to read back. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "json_engine.h"
#include "ocispec.h"

typedef struct gen_ctx
{
  yajl_gen g;
  oci_walk w;
} gen_ctx;

static int gen_struct (gen_ctx *c, const oci_desc *d, const void *p);

static int
gen_ok (gen_ctx *c, yajl_gen_status st)
{
  if (st == yajl_gen_status_ok)
    return 0;
  if (st == yajl_gen_invalid_string)
    return oci_walk_fail (&c->w, "string is not valid UTF-8");
  return oci_walk_fail (&c->w, "cannot generate JSON (yajl status %d)", (int) st);
}

static int
gen_raw_string (gen_ctx *c, const char *s)
{
  return gen_ok (c, yajl_gen_string (c->g, (const unsigned char *) s, strlen (s)));
}

static int
gen_string (gen_ctx *c, const oci_field *f, const char *s)
{
  if (s == NULL)
    return oci_walk_fail (&c->w, "missing string");
  if (oci_check_string (&c->w, f, s, strlen (s)) < 0)
    return -1;
  return gen_raw_string (c, s);
}

static int
check_generated_range (gen_ctx *c, const oci_field *f, oci_kind kind, int64_t s, uint64_t u, bool is_unsigned)
{
  int64_t lo;
  uint64_t hi;

  if (!f->ranged)
    return 0;
  oci_kind_bounds (f, kind, &lo, &hi);
  if (is_unsigned ? (u > hi || (lo > 0 && u < (uint64_t) lo)) : (s < lo || (s >= 0 && (uint64_t) s > hi)))
    return oci_walk_fail (&c->w, "value is out of range (%lld..%llu)", (long long) lo, (unsigned long long) hi);
  return 0;
}

static int
gen_integer (gen_ctx *c, const oci_field *f, oci_kind kind, const void *p)
{
  char buf[32];
  int64_t s = 0;
  uint64_t u = 0;
  bool is_unsigned = oci_kind_is_unsigned (kind);

  switch (kind)
    {
    case OCI_INT32:
      s = *(const int32_t *) p;
      break;
    case OCI_INT64:
      s = *(const int64_t *) p;
      break;
    case OCI_UINT16:
      u = *(const uint16_t *) p;
      break;
    case OCI_UINT32:
      u = *(const uint32_t *) p;
      break;
    default:
      u = *(const uint64_t *) p;
      break;
    }
  if (check_generated_range (c, f, kind, s, u, is_unsigned) < 0)
    return -1;
  if (is_unsigned)
    snprintf (buf, sizeof (buf), "%" PRIu64, u);
  else
    snprintf (buf, sizeof (buf), "%" PRId64, s);
  return gen_ok (c, yajl_gen_number (c->g, buf, strlen (buf)));
}

static int
gen_element (gen_ctx *c, const oci_field *f, oci_kind kind, const void *p)
{
  switch (kind)
    {
    case OCI_STRING:
      return gen_string (c, f, *(char *const *) p);
    case OCI_BOOL:
      return gen_ok (c, yajl_gen_bool (c->g, *(const bool *) p));
    case OCI_OBJECT:
      return gen_struct (c, f->sub, p);
    default:
      return gen_integer (c, f, kind, p);
    }
}

static int
gen_array (gen_ctx *c, const oci_field *f, const char *items, size_t len)
{
  size_t esize = oci_kind_size (f->elem, f->sub);
  size_t i;

  if (len < f->min_items)
    return oci_walk_fail (&c->w, "expected at least %zu item%s", f->min_items, f->min_items == 1 ? "" : "s");
  if (gen_ok (c, yajl_gen_array_open (c->g)) < 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      size_t saved = oci_path_push_index (&c->w, i);
      if (gen_element (c, f, f->elem, items + i * esize) < 0)
        return -1;
      oci_path_pop (&c->w, saved);
    }
  return gen_ok (c, yajl_gen_array_close (c->g));
}

static int
gen_string_map (gen_ctx *c, const oci_map *m)
{
  size_t i;

  if (gen_ok (c, yajl_gen_map_open (c->g)) < 0)
    return -1;
  for (i = 0; i < m->len; i++)
    {
      if (m->items[i].key == NULL || m->items[i].value == NULL)
        return oci_walk_fail (&c->w, "map entry %zu has no key or no value", i);
      size_t saved = oci_path_push_key (&c->w, m->items[i].key);
      if (gen_raw_string (c, m->items[i].key) < 0 || gen_raw_string (c, m->items[i].value) < 0)
        return -1;
      oci_path_pop (&c->w, saved);
    }
  return gen_ok (c, yajl_gen_map_close (c->g));
}

static int
gen_object_map (gen_ctx *c, const oci_field *f, const char *items, size_t len)
{
  size_t i;

  if (gen_ok (c, yajl_gen_map_open (c->g)) < 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      const char *elem = items + i * f->sub->size;
      const char *key = *(char *const *) (elem + f->sub->key_off);
      if (key == NULL)
        return oci_walk_fail (&c->w, "entry %zu has no key", i);
      size_t saved = oci_path_push_key (&c->w, key);
      if (gen_raw_string (c, key) < 0 || gen_struct (c, f->sub, elem) < 0)
        return -1;
      oci_path_pop (&c->w, saved);
    }
  return gen_ok (c, yajl_gen_map_close (c->g));
}

static bool
field_present (const oci_field *f, const void *base)
{
  const char *p = (const char *) base + f->off;

  switch (f->kind)
    {
    case OCI_STRING:
    case OCI_OBJECT:
    case OCI_ARRAY:
    case OCI_STRING_MAP:
    case OCI_OBJECT_MAP:
      return *(void *const *) p != NULL;
    default:
      return !f->has_flag || *(const bool *) ((const char *) base + f->aux);
    }
}

static int
gen_value (gen_ctx *c, const oci_field *f, const void *base)
{
  const char *p = (const char *) base + f->off;
  size_t len = 0;

  if (f->kind == OCI_ARRAY || f->kind == OCI_OBJECT_MAP)
    len = *(const size_t *) ((const char *) base + f->aux);
  switch (f->kind)
    {
    case OCI_OBJECT:
      return gen_struct (c, f->sub, *(void *const *) p);
    case OCI_ARRAY:
      return gen_array (c, f, *(char *const *) p, len);
    case OCI_STRING_MAP:
      return gen_string_map (c, *(oci_map *const *) p);
    case OCI_OBJECT_MAP:
      return gen_object_map (c, f, *(char *const *) p, len);
    default:
      return gen_element (c, f, f->kind, p);
    }
}

static int
gen_struct (gen_ctx *c, const oci_desc *d, const void *p)
{
  const oci_field *f;

  if (gen_ok (c, yajl_gen_map_open (c->g)) < 0)
    return -1;
  for (f = d->fields; f->json != NULL; f++)
    {
      size_t saved = oci_path_push_key (&c->w, f->json);
      if (!field_present (f, p))
        {
          if (f->required)
            return oci_walk_fail (&c->w, "required property missing");
          oci_path_pop (&c->w, saved);
          continue;
        }
      if (gen_raw_string (c, f->json) < 0 || gen_value (c, f, p) < 0)
        return -1;
      oci_path_pop (&c->w, saved);
    }
  return gen_ok (c, yajl_gen_map_close (c->g));
}

char *
oci_generate_document (const oci_desc *d, const void *p, bool pretty, const char *name, char **err)
{
  gen_ctx c = { .w = { .name = name } };
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  if (err != NULL)
    *err = NULL;
  if (p == NULL)
    {
      oci_walk_fail (&c.w, "nothing to generate");
      goto done;
    }
  c.g = yajl_gen_alloc (NULL);
  if (c.g == NULL)
    {
      oci_walk_fail (&c.w, "out of memory");
      goto done;
    }
  yajl_gen_config (c.g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (c.g, yajl_gen_validate_utf8, 1);
  if (gen_struct (&c, d, p) == 0 && gen_ok (&c, yajl_gen_get_buf (c.g, &buf, &len)) == 0)
    {
      out = strndup ((const char *) buf, len);
      if (out == NULL)
        oci_walk_fail (&c.w, "out of memory");
    }
  yajl_gen_free (c.g);
done:
  if (out == NULL && err != NULL)
    *err = c.w.err;
  else
    free (c.w.err);
  return out;
}
