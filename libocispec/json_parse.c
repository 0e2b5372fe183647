/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From a JSON tree into the structs of ocispec.h, driven by the tables.
 * On failure the partially filled struct stays consistent (zeroed parts
 * are valid "absent" values), so one oci_free_struct() cleans it.
 * In collect-all mode a failed value does not stop the walk: its siblings
 * are still parsed (and their problems recorded), then the value is cleared
 * where it may be absent, or its failure goes up to the enclosing value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_engine.h"
#include "json_numbers.h"
#include "ocispec.h"

static int parse_element (oci_walk *w, const oci_field *f, oci_kind kind, const json_node *n, void *dst);

static const char *
expected_integer (oci_kind kind)
{
  return oci_kind_is_unsigned (kind) ? "expected a non-negative integer" : "expected an integer";
}

static void
store_integer (oci_kind kind, void *dst, uint64_t u, int64_t s)
{
  switch (kind)
    {
    case OCI_INT32:
      *(int32_t *) dst = (int32_t) s;
      break;
    case OCI_INT64:
      *(int64_t *) dst = s;
      break;
    case OCI_UINT16:
      *(uint16_t *) dst = (uint16_t) u;
      break;
    case OCI_UINT32:
      *(uint32_t *) dst = (uint32_t) u;
      break;
    default:
      *(uint64_t *) dst = u;
      break;
    }
}

static int
parse_integer (oci_walk *w, const oci_field *f, oci_kind kind, const json_node *n, void *dst)
{
  int64_t lo, s = 0;
  uint64_t hi, u = 0;
  json_int_result r;
  char shown[80];

  if (n->type != JSON_NUMBER)
    return oci_walk_fail (w, "%s", expected_integer (kind));
  oci_kind_bounds (f, kind, &lo, &hi);
  if (oci_kind_is_unsigned (kind))
    {
      r = json_parse_uint (n->text, n->text_len, hi, &u);
      if (r == JSON_INT_OK && lo > 0 && u < (uint64_t) lo)
        r = JSON_INT_OUT_OF_RANGE;
    }
  else
    r = json_parse_int (n->text, n->text_len, lo, (int64_t) hi, &s);
  if (r == JSON_INT_NOT_INTEGER || r == JSON_INT_NEGATIVE)
    return oci_walk_fail (w, "%s", expected_integer (kind));
  if (r == JSON_INT_OUT_OF_RANGE)
    {
      snprintf (shown, sizeof (shown), "%.*s%s", n->text_len > 40 ? 40 : (int) n->text_len, n->text,
                n->text_len > 40 ? "..." : "");
      return oci_walk_fail (w, "%s is out of range (%lld..%llu)", shown, (long long) lo,
                            (unsigned long long) hi);
    }
  store_integer (kind, dst, u, s);
  return 0;
}

static int
parse_string (oci_walk *w, const oci_field *f, const json_node *n, char **dst)
{
  if (n->type != JSON_STRING)
    return oci_walk_fail (w, "expected a string");
  if (oci_check_string (w, f, n->text, n->text_len) < 0)
    return -1;
  *dst = strdup (n->text);
  if (*dst == NULL)
    return oci_walk_oom (w);
  return 0;
}

static int
parse_element (oci_walk *w, const oci_field *f, oci_kind kind, const json_node *n, void *dst)
{
  switch (kind)
    {
    case OCI_STRING:
      return parse_string (w, f, n, dst);
    case OCI_BOOL:
      if (n->type != JSON_BOOL)
        return oci_walk_fail (w, "expected a boolean");
      *(bool *) dst = n->boolean;
      return 0;
    case OCI_OBJECT:
      if (n->type != JSON_OBJECT)
        return oci_walk_fail (w, "expected an object");
      return oci_parse_struct (w, f->sub, n, dst);
    default:
      return parse_integer (w, f, kind, n, dst);
    }
}

static void *
alloc_elements (size_t count, size_t size)
{
  /* one element at least: a present empty array needs a non-NULL pointer */
  return calloc (count ? count : 1, size);
}

/* After a failed item or member: whether to go on with the next one. */
static bool
keep_going (oci_walk *w)
{
  return w->collect && !w->fatal;
}

static int
parse_array (oci_walk *w, const oci_field *f, const json_node *n, void *base)
{
  size_t esize = oci_kind_size (f->elem, f->sub);
  char *items;
  size_t i;
  int ret = 0;

  if (n->type != JSON_ARRAY)
    return oci_walk_fail (w, "expected an array");
  if (n->len < f->min_items)
    return oci_walk_fail (w, "expected at least %zu item%s", f->min_items, f->min_items == 1 ? "" : "s");
  items = alloc_elements (n->len, esize);
  if (items == NULL)
    return oci_walk_oom (w);
  *(void **) ((char *) base + f->off) = items;
  *(size_t *) ((char *) base + f->aux) = n->len;
  for (i = 0; i < n->len; i++)
    {
      size_t saved = oci_path_push_index (w, i), order = oci_order_push (w, i);
      if (parse_element (w, f, f->elem, n->vals[i], items + i * esize) < 0)
        {
          if (!keep_going (w))
            return -1;
          ret = -1;
        }
      oci_order_pop (w, order);
      oci_path_pop (w, saved);
    }
  return ret;
}

/* Object keys become C strings: a NUL inside one cannot be represented. */
static int
check_key (oci_walk *w, const json_node *obj, size_t i)
{
  if (memchr (obj->keys[i], '\0', obj->key_lens[i]) != NULL)
    return oci_walk_fail (w, "object key contains a NUL byte");
  return 0;
}

static int
parse_map_entry (oci_walk *w, const json_node *n, size_t i, oci_map *m)
{
  static const oci_field plain = { .kind = OCI_STRING };

  if (check_key (w, n, i) < 0)
    return -1;
  size_t saved = oci_path_push_key (w, n->keys[i]), order = oci_order_push (w, i);
  m->items[i].key = strdup (n->keys[i]);
  m->len = i + 1;
  if (m->items[i].key == NULL)
    return oci_walk_oom (w);
  if (parse_string (w, &plain, n->vals[i], &m->items[i].value) < 0)
    return -1;
  oci_order_pop (w, order);
  oci_path_pop (w, saved);
  return 0;
}

static int
parse_string_map (oci_walk *w, const json_node *n, oci_map **dst)
{
  oci_map *m;
  size_t i, depth = w->path_len, order = w->order_len;
  int ret = 0;

  if (n->type != JSON_OBJECT)
    return oci_walk_fail (w, "expected an object");
  m = calloc (1, sizeof (*m));
  if (m == NULL || (m->items = alloc_elements (n->len, sizeof (oci_kv))) == NULL)
    {
      free (m);
      return oci_walk_oom (w);
    }
  *dst = m;
  for (i = 0; i < n->len; i++)
    if (parse_map_entry (w, n, i, m) < 0)
      {
        if (!keep_going (w))
          return -1;
        ret = -1;
        oci_order_pop (w, order);
        oci_path_pop (w, depth);
      }
  return ret;
}

static int
parse_object_map_entry (oci_walk *w, const oci_field *f, const json_node *n, size_t i, char *elem)
{
  char **key = (char **) (elem + f->sub->key_off);

  if (check_key (w, n, i) < 0)
    return -1;
  size_t saved = oci_path_push_key (w, n->keys[i]), order = oci_order_push (w, i);
  *key = strdup (n->keys[i]);
  if (*key == NULL)
    return oci_walk_oom (w);
  if (n->vals[i]->type != JSON_OBJECT)
    return oci_walk_fail (w, "expected an object");
  if (oci_parse_struct (w, f->sub, n->vals[i], elem) < 0)
    return -1;
  oci_order_pop (w, order);
  oci_path_pop (w, saved);
  return 0;
}

static int
parse_object_map (oci_walk *w, const oci_field *f, const json_node *n, void *base)
{
  size_t esize = f->sub->size, depth = w->path_len, order = w->order_len;
  char *items;
  size_t i;
  int ret = 0;

  if (n->type != JSON_OBJECT)
    return oci_walk_fail (w, "expected an object");
  items = alloc_elements (n->len, esize);
  if (items == NULL)
    return oci_walk_oom (w);
  *(void **) ((char *) base + f->off) = items;
  *(size_t *) ((char *) base + f->aux) = n->len;
  for (i = 0; i < n->len; i++)
    if (parse_object_map_entry (w, f, n, i, items + i * esize) < 0)
      {
        if (!keep_going (w))
          return -1;
        ret = -1;
        oci_order_pop (w, order);
        oci_path_pop (w, depth);
      }
  return ret;
}

static int
parse_field (oci_walk *w, const oci_field *f, const json_node *n, void *base)
{
  void *dst = (char *) base + f->off;
  void *obj;

  switch (f->kind)
    {
    case OCI_ARRAY:
      return parse_array (w, f, n, base);
    case OCI_STRING_MAP:
      return parse_string_map (w, n, dst);
    case OCI_OBJECT_MAP:
      return parse_object_map (w, f, n, base);
    case OCI_OBJECT:
      if (n->type != JSON_OBJECT)
        return oci_walk_fail (w, "expected an object");
      obj = calloc (1, f->sub->size);
      if (obj == NULL)
        return oci_walk_oom (w);
      *(void **) dst = obj;
      return oci_parse_struct (w, f->sub, n, obj);
    default:
      if (parse_element (w, f, f->kind, n, dst) < 0)
        return -1;
      if (f->has_flag)
        *(bool *) ((char *) base + f->aux) = true;
      return 0;
    }
}

/* The member `key` of `obj` (the last one, as json_object_get) and its
 * position, or NULL. */
static const json_node *
find_member (const json_node *obj, const char *key, size_t *position)
{
  const json_node *n = json_object_get (obj, key);

  for (size_t i = obj->len; n != NULL && i-- > 0;)
    if (obj->vals[i] == n)
      {
        *position = i;
        break;
      }
  return n;
}

/* One property; in collect-all mode a bad optional one is left absent. */
static int
parse_member (oci_walk *w, const oci_field *f, const json_node *n, void *out)
{
  size_t first = w->n_problems;

  /* null is read as "absent", as the Go runtimes do */
  if (n == NULL || n->type == JSON_NULL)
    return f->required ? oci_walk_fail (w, "required property missing") : 0;
  if (parse_field (w, f, n, out) == 0)
    return 0;
  if (w->collect)
    {
      oci_clear_field (f, out);
      if (!f->required)
        oci_walk_mark_skipped (w, first);
    }
  return -1;
}

/* Fails when a required property is bad or missing (in collect-all mode,
 * only after looking at every property). */
int
oci_parse_struct (oci_walk *w, const oci_desc *d, const json_node *obj, void *out)
{
  const oci_field *f;
  int ret = 0;

  for (f = d->fields; f->json != NULL; f++)
    {
      size_t position = obj->len + (size_t) (f - d->fields); /* missing: after the members */
      const json_node *n = find_member (obj, f->json, &position);
      size_t saved = oci_path_push_key (w, f->json), order = oci_order_push (w, position);
      if (parse_member (w, f, n, out) < 0)
        {
          if (!keep_going (w))
            return -1;
          if (f->required)
            ret = -1;
        }
      oci_order_pop (w, order);
      oci_path_pop (w, saved);
    }
  return ret;
}
