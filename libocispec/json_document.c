/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole documents: read a file (bounded), parse it into a fresh struct. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_engine.h"
#include "ocispec.h"

static int
set_error (char **err, const char *fmt, const char *a, const char *b)
{
  if (err != NULL && asprintf (err, fmt, a, b) < 0)
    *err = NULL;
  return -1;
}

int
oci_parse_document (const oci_desc *d, const char *data, size_t len, const char *name, void **out, char **err)
{
  oci_walk w = { .name = name ? name : "document" };
  char *tree_err = NULL;
  json_node *root;
  void *obj;

  *out = NULL;
  if (err != NULL)
    *err = NULL;
  root = json_tree_parse (data, len, &tree_err);
  if (root == NULL)
    {
      set_error (err, "%s: %s", w.name, tree_err ? tree_err : "out of memory");
      free (tree_err);
      return -1;
    }
  obj = calloc (1, d->size);
  if (obj == NULL)
    oci_walk_fail (&w, "out of memory");
  else if (root->type != JSON_OBJECT)
    oci_walk_fail (&w, "expected an object");
  else if (oci_parse_struct (&w, d, root, obj) == 0)
    {
      json_tree_free (root);
      *out = obj;
      return 0;
    }
  json_tree_free (root);
  oci_free_object (d, obj);
  if (err != NULL)
    *err = w.err;
  else
    free (w.err);
  return -1;
}

typedef struct ranked_problem
{
  const char *order;
  size_t index;
  oci_parse_problem problem;
} ranked_problem;

static int
compare_ranked (const void *a, const void *b)
{
  const ranked_problem *x = a, *y = b;
  int c = strcmp (x->order, y->order);

  if (c != 0)
    return c;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Fields are visited in table order; users read the document top down. */
static void
sort_in_document_order (oci_walk *w)
{
  ranked_problem *r = calloc (w->n_problems ? w->n_problems : 1, sizeof (*r));
  size_t i;

  if (r == NULL)
    return;
  for (i = 0; i < w->n_problems; i++)
    r[i] = (ranked_problem) { w->orders[i] ? w->orders[i] : "", i, w->problems[i] };
  qsort (r, w->n_problems, sizeof (*r), compare_ranked);
  for (i = 0; i < w->n_problems; i++)
    w->problems[i] = r[i].problem;
  free (r);
}

/* Every problem says which value it left absent: "" when it is the document. */
static void
finish_problems (oci_walk *w, bool have_out)
{
  size_t i;

  oci_path_pop (w, 0);
  for (i = 0; i < w->n_problems; i++)
    if (!have_out && w->problems[i].skipped != NULL && w->problems[i].skipped[0] != '\0')
      {
        free (w->problems[i].skipped);
        w->problems[i].skipped = NULL;
      }
  oci_walk_mark_skipped (w, 0);
  sort_in_document_order (w);
  for (i = 0; i < w->n_problems; i++)
    free (w->orders[i]);
  free (w->orders);
  free (w->err);
}

static void
fail_fatal (oci_walk *w, const char *msg)
{
  size_t n = w->n_problems;

  oci_walk_fail (w, "%s", msg);
  if (w->n_problems > n)
    w->problems[n].fatal = true;
}

int
oci_parse_document_all (const oci_desc *d, const char *data, size_t len, const char *name, void **out,
                        oci_parse_problem **problems, size_t *n_problems)
{
  oci_walk w = { .name = name ? name : "document", .collect = true };
  char *tree_err = NULL;
  json_node *root;
  void *obj = NULL;

  *out = NULL;
  root = json_tree_parse (data, len, &tree_err);
  if (root == NULL)
    fail_fatal (&w, tree_err ? tree_err : "out of memory");
  else if ((obj = calloc (1, d->size)) == NULL)
    oci_walk_oom (&w);
  else if (root->type != JSON_OBJECT)
    fail_fatal (&w, "expected an object");
  else if (oci_parse_struct (&w, d, root, obj) == 0 && !w.fatal)
    {
      *out = obj;
      obj = NULL;
    }
  free (tree_err);
  json_tree_free (root);
  oci_free_object (d, obj);
  finish_problems (&w, *out != NULL);
  *problems = w.problems;
  *n_problems = w.n_problems;
  return *out != NULL && w.n_problems == 0 ? 0 : -1;
}

/* Reads at most JSON_MAX_DOCUMENT_SIZE + 1 bytes: enough to tell the parser
 * the document is too large without reading all of a hostile file. */
static int
read_bounded (int fd, char **data, size_t *len)
{
  size_t cap = 65536, used = 0;
  char *buf = malloc (cap);

  if (buf == NULL)
    return -1;
  for (;;)
    {
      if (used == cap)
        {
          size_t ncap = cap * 2 > JSON_MAX_DOCUMENT_SIZE + 1 ? JSON_MAX_DOCUMENT_SIZE + 1 : cap * 2;
          char *nbuf = ncap > cap ? realloc (buf, ncap) : NULL;
          if (nbuf == NULL)
            break;
          buf = nbuf;
          cap = ncap;
        }
      ssize_t n = read (fd, buf + used, cap - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          free (buf);
          return -1;
        }
      if (n == 0)
        break;
      used += (size_t) n;
    }
  *data = buf;
  *len = used;
  return 0;
}

int
oci_parse_file (const oci_desc *d, const char *path, void **out, char **err)
{
  char *data = NULL;
  size_t len = 0;
  int fd, r;

  *out = NULL;
  if (err != NULL)
    *err = NULL;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return set_error (err, "%s: %s", path, strerror (errno));
  r = read_bounded (fd, &data, &len);
  if (r < 0)
    {
      int saved = errno;
      close (fd);
      return set_error (err, "%s: %s", path, strerror (saved));
    }
  close (fd);
  r = oci_parse_document (d, data, len, path, out, err);
  free (data);
  return r;
}
