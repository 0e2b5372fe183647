/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table-driven engine: every struct in ocispec.h is described once by a
 * field table, and parsing, generating, freeing and comparing all walk the
 * same table, so they cannot drift apart. */
#ifndef OCISPEC_JSON_ENGINE_H
#define OCISPEC_JSON_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_tree.h"

typedef enum oci_kind
{
  OCI_STRING,
  OCI_BOOL,
  OCI_INT32,
  OCI_INT64,
  OCI_UINT16,
  OCI_UINT32,
  OCI_UINT64,
  OCI_OBJECT,     /* pointer to a struct described by `sub` */
  OCI_ARRAY,      /* pointer + _len; elements of kind `elem` */
  OCI_STRING_MAP, /* oci_map * */
  OCI_OBJECT_MAP, /* pointer + _len of structs; the JSON key goes in sub->key_off */
} oci_kind;

/* A schema "pattern", matched by hand (the few the spec uses are simple). */
typedef struct oci_pattern
{
  const char *text; /* as written in the schema, for messages */
  bool (*match) (const char *s);
} oci_pattern;

typedef struct oci_desc oci_desc;
typedef struct oci_walk oci_walk;

typedef struct oci_field
{
  const char *json;
  oci_kind kind;
  oci_kind elem;      /* OCI_ARRAY: kind of the elements (not ARRAY/maps) */
  size_t off;         /* the value (or the array/struct pointer) */
  size_t aux;         /* has_<x> when has_flag, <x>_len for arrays and object maps */
  bool has_flag;
  bool required;
  const oci_desc *sub; /* OCI_OBJECT, OCI_OBJECT_MAP, arrays of objects */
  const char *const *enums; /* NULL-terminated; applies to array elements too */
  const oci_pattern *pattern;
  bool ranged;        /* integers: narrower bounds than the C type's */
  int64_t min;
  int64_t max;
  size_t min_items;
} oci_field;

struct oci_desc
{
  const char *name;
  size_t size;
  const oci_field *fields; /* terminated by an entry whose json is NULL */
  bool keyed;              /* members of an OCI_OBJECT_MAP ... */
  size_t key_off;          /* ... keep their JSON key in this char * */
};

/* Helpers shared by the engine's files. */
size_t oci_kind_size (oci_kind kind, const oci_desc *sub);
bool oci_kind_is_unsigned (oci_kind kind);
void oci_kind_bounds (const oci_field *f, oci_kind kind, int64_t *lo, uint64_t *hi);
/* Enum and pattern checks shared by parse and generate. */
int oci_check_string (oci_walk *w, const oci_field *f, const char *s, size_t len);

/* Table-building shorthands.  Extra designated initializers can follow,
 * e.g. STR ("type", oci_namespace, type, .required = true, .enums = ns). */
#define OCI_STR(j, T, m, ...) { .json = (j), .kind = OCI_STRING, .off = offsetof (T, m), __VA_ARGS__ }
#define OCI_OPT(j, K, T, m, ...) \
  { .json = (j), .kind = (K), .off = offsetof (T, m), .aux = offsetof (T, has_##m), .has_flag = true, __VA_ARGS__ }
#define OCI_REQ(j, K, T, m, ...) { .json = (j), .kind = (K), .off = offsetof (T, m), .required = true, __VA_ARGS__ }
#define OCI_OBJ(j, T, m, D, ...) { .json = (j), .kind = OCI_OBJECT, .off = offsetof (T, m), .sub = &(D), __VA_ARGS__ }
#define OCI_ARR(j, K, T, m, ...) \
  { .json = (j), .kind = OCI_ARRAY, .elem = (K), .off = offsetof (T, m), .aux = offsetof (T, m##_len), __VA_ARGS__ }
#define OCI_ARR_OBJ(j, T, m, D, ...) OCI_ARR (j, OCI_OBJECT, T, m, .sub = &(D), __VA_ARGS__)
#define OCI_MAP(j, T, m, ...) { .json = (j), .kind = OCI_STRING_MAP, .off = offsetof (T, m), __VA_ARGS__ }
#define OCI_OBJ_MAP(j, T, m, D, ...) \
  { .json = (j), .kind = OCI_OBJECT_MAP, .off = offsetof (T, m), .aux = offsetof (T, m##_len), .sub = &(D), __VA_ARGS__ }
#define OCI_END { .json = NULL }

struct oci_parse_problem;

/* Where we are in the document, for messages such as
 * "config.json: linux.namespaces[2].type: unknown value ...". */
struct oci_walk
{
  const char *name;
  char path[512];
  size_t path_len;
  char *err;
  /* Collect-all mode (oci_parse_document_all): oci_walk_fail appends a
   * problem instead of stopping the walk, unless `fatal` (out of memory). */
  bool collect;
  bool fatal;
  /* The position in the document, 8 hex digits per level, so problems can
   * be put in document order although fields are visited in table order. */
  char order[(JSON_MAX_DEPTH + 1) * 8 + 1];
  size_t order_len;
  struct oci_parse_problem *problems;
  char **orders; /* parallel to problems */
  size_t n_problems;
};

size_t oci_path_push_key (oci_walk *w, const char *key);
size_t oci_path_push_index (oci_walk *w, size_t index);
void oci_path_pop (oci_walk *w, size_t saved_len);
int oci_walk_fail (oci_walk *w, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Out of memory: fails even in collect-all mode. */
int oci_walk_oom (oci_walk *w);
/* Document order: the position of the current value inside its parent. */
size_t oci_order_push (oci_walk *w, size_t position);
void oci_order_pop (oci_walk *w, size_t saved_len);
/* Collect-all mode: gives every problem recorded since `first` that has no
 * `skipped` path yet the current path (the value being left absent). */
void oci_walk_mark_skipped (oci_walk *w, size_t first);
/* A value quoted for a message: truncated and with control bytes replaced. */
void oci_quote_for_message (char *buf, size_t size, const char *s, size_t len);

int oci_parse_struct (oci_walk *w, const oci_desc *d, const json_node *obj, void *out);
void oci_free_struct (const oci_desc *d, void *p);
/* Frees one field of the struct at `base` and resets it to absent. */
void oci_clear_field (const oci_field *f, void *base);
/* Frees the struct's members and the struct itself; NULL is fine. */
void oci_free_object (const oci_desc *d, void *p);

/* Document-level helpers used by the public API. */
int oci_parse_document (const oci_desc *d, const char *data, size_t len, const char *name, void **out,
                        char **err);
int oci_parse_file (const oci_desc *d, const char *path, void **out, char **err);
/* Collect-all parsing; the contract is the one of oci_config_parse_data_all. */
int oci_parse_document_all (const oci_desc *d, const char *data, size_t len, const char *name, void **out,
                            struct oci_parse_problem **problems, size_t *n_problems);
char *oci_generate_document (const oci_desc *d, const void *p, bool pretty, const char *name, char **err);

/* Deep comparison driven by the same tables (used by the tests).  Returns
 * true when equal; otherwise, when `where` is not NULL, stores the path of
 * the first difference. */
bool oci_struct_equal (const oci_desc *d, const void *a, const void *b, char *where, size_t where_size);

#endif
