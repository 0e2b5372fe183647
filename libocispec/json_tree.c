/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "json_tree.h"

struct tree_builder
{
  json_node *stack[JSON_MAX_DEPTH];
  size_t depth;
  json_node *root;
  bool out_of_memory;
  bool too_deep;
};

void
json_tree_free (json_node *n)
{
  size_t i;

  if (n == NULL)
    return;
  /* Recursion is bounded: the builder never nests deeper than JSON_MAX_DEPTH. */
  for (i = 0; i < n->len; i++)
    {
      if (n->keys != NULL)
        free (n->keys[i]);
      json_tree_free (n->vals[i]);
    }
  free (n->keys);
  free (n->key_lens);
  free (n->vals);
  free (n->text);
  free (n);
}

static bool
grow_members (json_node *n)
{
  size_t cap;

  if (n->len < n->cap)
    return true;
  cap = n->cap ? n->cap * 2 : 4;
  if (cap < n->cap || cap > SIZE_MAX / sizeof (char *))
    return false;
  json_node **vals = realloc (n->vals, cap * sizeof (*vals));
  if (vals == NULL)
    return false;
  n->vals = vals;
  if (n->type == JSON_OBJECT)
    {
      char **keys = realloc (n->keys, cap * sizeof (*keys));
      if (keys == NULL)
        return false;
      n->keys = keys;
      size_t *lens = realloc (n->key_lens, cap * sizeof (*lens));
      if (lens == NULL)
        return false;
      n->key_lens = lens;
    }
  n->cap = cap;
  return true;
}

static char *
copy_bytes (const void *src, size_t len)
{
  char *s = malloc (len + 1);

  if (s == NULL)
    return NULL;
  memcpy (s, src, len);
  s[len] = '\0';
  return s;
}

/* Attach a new value to the container being built (or make it the root). */
static int
attach (struct tree_builder *b, json_node *n)
{
  json_node *parent;

  if (n == NULL)
    {
      b->out_of_memory = true;
      return 0;
    }
  if (b->depth == 0)
    {
      b->root = n;
      return 1;
    }
  parent = b->stack[b->depth - 1];
  if (parent->type == JSON_OBJECT)
    {
      /* the key callback already made room and counted the member */
      parent->vals[parent->len - 1] = n;
      return 1;
    }
  if (!grow_members (parent))
    {
      json_tree_free (n);
      b->out_of_memory = true;
      return 0;
    }
  parent->vals[parent->len++] = n;
  return 1;
}

static json_node *
new_node (json_type type)
{
  json_node *n = calloc (1, sizeof (*n));

  if (n != NULL)
    n->type = type;
  return n;
}

static json_node *
new_text_node (json_type type, const void *text, size_t len)
{
  json_node *n = new_node (type);

  if (n == NULL)
    return NULL;
  n->text = copy_bytes (text, len);
  if (n->text == NULL)
    {
      free (n);
      return NULL;
    }
  n->text_len = len;
  return n;
}

static int
on_null (void *ctx)
{
  return attach (ctx, new_node (JSON_NULL));
}

static int
on_boolean (void *ctx, int value)
{
  json_node *n = new_node (JSON_BOOL);

  if (n != NULL)
    n->boolean = value != 0;
  return attach (ctx, n);
}

static int
on_number (void *ctx, const char *text, size_t len)
{
  return attach (ctx, new_text_node (JSON_NUMBER, text, len));
}

static int
on_string (void *ctx, const unsigned char *text, size_t len)
{
  return attach (ctx, new_text_node (JSON_STRING, text, len));
}

static int
open_container (struct tree_builder *b, json_type type)
{
  json_node *n;

  if (b->depth >= JSON_MAX_DEPTH)
    {
      b->too_deep = true;
      return 0;
    }
  n = new_node (type);
  if (!attach (b, n))
    return 0;
  b->stack[b->depth++] = n;
  return 1;
}

static int
on_start_map (void *ctx)
{
  return open_container (ctx, JSON_OBJECT);
}

static int
on_start_array (void *ctx)
{
  return open_container (ctx, JSON_ARRAY);
}

static int
on_end_container (void *ctx)
{
  struct tree_builder *b = ctx;

  b->depth--;
  return 1;
}

static int
on_map_key (void *ctx, const unsigned char *key, size_t len)
{
  struct tree_builder *b = ctx;
  json_node *obj = b->stack[b->depth - 1];
  char *copy;

  if (!grow_members (obj) || (copy = copy_bytes (key, len)) == NULL)
    {
      b->out_of_memory = true;
      return 0;
    }
  obj->keys[obj->len] = copy;
  obj->key_lens[obj->len] = len;
  obj->vals[obj->len] = NULL;
  obj->len++;
  return 1;
}

static const yajl_callbacks tree_callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_container,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_container,
};

static char *
describe_failure (yajl_handle h, const struct tree_builder *b, const char *data, size_t len, size_t offset)
{
  char *msg = NULL;
  unsigned char *yerr;

  if (b->out_of_memory)
    return strdup ("out of memory");
  if (b->too_deep)
    {
      if (asprintf (&msg, "nesting deeper than %d levels", JSON_MAX_DEPTH) < 0)
        return NULL;
      return msg;
    }
  yerr = yajl_get_error (h, 0, (const unsigned char *) data, len);
  if (yerr == NULL)
    return strdup ("invalid JSON");
  /* yajl's text ends with a newline; it reads better without. */
  size_t n = strlen ((char *) yerr);
  while (n > 0 && (yerr[n - 1] == '\n' || yerr[n - 1] == ' ' || yerr[n - 1] == '.'))
    n--;
  if (asprintf (&msg, "invalid JSON at byte %zu: %.*s", offset, (int) n, (char *) yerr) < 0)
    msg = NULL;
  yajl_free_error (h, yerr);
  return msg;
}

static size_t
strspn_bounded (const char *s, size_t len, const char *accept)
{
  size_t i = 0;

  while (i < len && s[i] != '\0' && strchr (accept, s[i]) != NULL)
    i++;
  return i;
}

json_node *
json_tree_parse (const char *data, size_t len, char **err)
{
  struct tree_builder b = { .depth = 0 };
  yajl_handle h;
  yajl_status st;
  size_t offset;

  *err = NULL;
  if (len > JSON_MAX_DOCUMENT_SIZE)
    {
      if (asprintf (err, "document larger than %u bytes", JSON_MAX_DOCUMENT_SIZE) < 0)
        *err = NULL;
      return NULL;
    }
  if (len == strspn_bounded (data, len, " \t\r\n"))
    {
      *err = strdup ("empty document");
      return NULL;
    }
  h = yajl_alloc (&tree_callbacks, NULL, &b);
  if (h == NULL)
    {
      *err = strdup ("out of memory");
      return NULL;
    }
  st = yajl_parse (h, (const unsigned char *) data, len);
  /* after yajl_complete_parse the consumed count is of the empty final chunk */
  offset = yajl_get_bytes_consumed (h);
  if (st == yajl_status_ok)
    {
      st = yajl_complete_parse (h);
      offset = len;
    }
  if (st != yajl_status_ok || b.root == NULL)
    {
      *err = describe_failure (h, &b, data, len, offset);
      yajl_free (h);
      json_tree_free (b.root);
      return NULL;
    }
  yajl_free (h);
  return b.root;
}

json_node *
json_object_get (const json_node *obj, const char *key)
{
  size_t klen = strlen (key);
  size_t i;

  if (obj == NULL || obj->type != JSON_OBJECT)
    return NULL;
  for (i = obj->len; i-- > 0;)
    if (obj->key_lens[i] == klen && memcmp (obj->keys[i], key, klen) == 0)
      return obj->vals[i];
  return NULL;
}
