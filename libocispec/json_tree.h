/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A JSON document as a tree, built with yajl's callback parser so that the
 * nesting depth and the document size are bounded before anything recursive
 * runs, and strings keep their length (an embedded NUL stays detectable). */
#ifndef OCISPEC_JSON_TREE_H
#define OCISPEC_JSON_TREE_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DOCUMENT_SIZE (16u * 1024 * 1024)
#define JSON_MAX_DEPTH 64

typedef enum json_type
{
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_OBJECT,
  JSON_ARRAY,
} json_type;

typedef struct json_node json_node;

struct json_node
{
  json_type type;
  bool boolean;
  char *text;     /* JSON_STRING: the value; JSON_NUMBER: its raw text */
  size_t text_len;
  size_t len;     /* members of an object or array */
  size_t cap;
  char **keys;    /* JSON_OBJECT only, parallel to vals */
  size_t *key_lens;
  json_node **vals;
};

/* Parse `len` bytes.  On failure returns NULL and stores a malloc'd
 * message (without any file name) in *err. */
json_node *json_tree_parse (const char *data, size_t len, char **err);
void json_tree_free (json_node *n);

/* The last member named `key` (JSON's usual "last one wins"), or NULL. */
json_node *json_object_get (const json_node *obj, const char *key);

#endif
