/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole documents: read a file (bounded), parse it into a fresh struct. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_engine.h"

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
