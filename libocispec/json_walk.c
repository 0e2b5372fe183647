/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON paths and error messages, plus the per-kind facts every part of the
 * engine needs (sizes, bounds, enum and pattern checks). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_engine.h"
#include "ocispec.h"

/* Values echoed in messages are cut so a hostile document cannot make the
 * message itself huge. */
#define QUOTE_MAX 64

static void
path_append (oci_walk *w, const char *s, size_t len)
{
  size_t room = sizeof (w->path) - 1 - w->path_len;

  if (len > room)
    len = room;
  memcpy (w->path + w->path_len, s, len);
  w->path_len += len;
  w->path[w->path_len] = '\0';
}

static bool
is_plain_key (const char *key)
{
  const char *p;

  if (*key == '\0')
    return false;
  for (p = key; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'
          || *p == '-'))
      return false;
  return true;
}

size_t
oci_path_push_key (oci_walk *w, const char *key)
{
  size_t saved = w->path_len;
  char quoted[QUOTE_MAX + 8];

  if (is_plain_key (key) && strlen (key) <= QUOTE_MAX)
    {
      if (w->path_len > 0)
        path_append (w, ".", 1);
      path_append (w, key, strlen (key));
      return saved;
    }
  /* keys such as sysctl names contain dots: show them unambiguously */
  oci_quote_for_message (quoted, sizeof (quoted), key, strlen (key));
  path_append (w, "[", 1);
  path_append (w, quoted, strlen (quoted));
  path_append (w, "]", 1);
  return saved;
}

size_t
oci_path_push_index (oci_walk *w, size_t index)
{
  size_t saved = w->path_len;
  char buf[32];
  int n = snprintf (buf, sizeof (buf), "[%zu]", index);

  path_append (w, buf, (size_t) n);
  return saved;
}

void
oci_path_pop (oci_walk *w, size_t saved_len)
{
  w->path_len = saved_len;
  w->path[saved_len] = '\0';
}

size_t
oci_order_push (oci_walk *w, size_t position)
{
  size_t saved = w->order_len;

  /* deeper than the tree allows cannot happen; keep the prefix if it did */
  if (w->order_len + 8 < sizeof (w->order))
    {
      snprintf (w->order + w->order_len, 9, "%08zx", position > 0xffffffffu ? (size_t) 0xffffffffu : position);
      w->order_len += 8;
    }
  return saved;
}

void
oci_order_pop (oci_walk *w, size_t saved_len)
{
  w->order_len = saved_len;
  w->order[saved_len] = '\0';
}

/* Collect-all mode: the message becomes one more problem.  Takes `msg`. */
static void
record_problem (oci_walk *w, char *msg)
{
  oci_parse_problem *np = realloc (w->problems, (w->n_problems + 1) * sizeof (*np));
  char **no = np ? realloc (w->orders, (w->n_problems + 1) * sizeof (*no)) : NULL;

  if (np != NULL)
    w->problems = np;
  if (no != NULL)
    w->orders = no;
  if (np == NULL || no == NULL || msg == NULL || w->err == NULL)
    {
      free (msg);
      w->fatal = true;
      return;
    }
  np = &w->problems[w->n_problems];
  *np = (oci_parse_problem) { .path = strdup (w->path), .message = msg, .full = strdup (w->err) };
  no[w->n_problems] = strndup (w->order, w->order_len);
  w->n_problems++;
  if (np->path == NULL || np->full == NULL || no[w->n_problems - 1] == NULL)
    w->fatal = true;
}

int
oci_walk_fail (oci_walk *w, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    msg = NULL;
  free (w->err);
  w->err = NULL;
  if (w->path_len > 0)
    r = asprintf (&w->err, "%s: %s: %s", w->name, w->path, msg ? msg : "out of memory");
  else
    r = asprintf (&w->err, "%s: %s", w->name, msg ? msg : "out of memory");
  if (r < 0)
    w->err = NULL;
  if (w->collect)
    record_problem (w, msg);
  else
    free (msg);
  return -1;
}

int
oci_walk_oom (oci_walk *w)
{
  size_t n = w->n_problems;

  oci_walk_fail (w, "out of memory");
  if (w->n_problems > n)
    w->problems[n].fatal = true;
  w->fatal = true;
  return -1;
}

void
oci_walk_mark_skipped (oci_walk *w, size_t first)
{
  for (size_t i = first; i < w->n_problems; i++)
    if (w->problems[i].skipped == NULL && (w->problems[i].skipped = strdup (w->path)) == NULL)
      w->fatal = true;
}

void
oci_quote_for_message (char *buf, size_t size, const char *s, size_t len)
{
  size_t o = 0, i;
  bool cut = len > QUOTE_MAX;

  if (size < QUOTE_MAX + 8)
    {
      if (size > 0)
        buf[0] = '\0';
      return;
    }
  buf[o++] = '"';
  for (i = 0; i < len && i < QUOTE_MAX; i++)
    {
      unsigned char c = (unsigned char) s[i];
      buf[o++] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char) c;
    }
  if (cut)
    {
      memcpy (buf + o, "...", 3);
      o += 3;
    }
  buf[o++] = '"';
  buf[o] = '\0';
}

size_t
oci_kind_size (oci_kind kind, const oci_desc *sub)
{
  switch (kind)
    {
    case OCI_STRING:
      return sizeof (char *);
    case OCI_BOOL:
      return sizeof (bool);
    case OCI_INT32:
      return sizeof (int32_t);
    case OCI_INT64:
      return sizeof (int64_t);
    case OCI_UINT16:
      return sizeof (uint16_t);
    case OCI_UINT32:
      return sizeof (uint32_t);
    case OCI_UINT64:
      return sizeof (uint64_t);
    case OCI_OBJECT:
      return sub->size;
    default:
      return sizeof (void *);
    }
}

bool
oci_kind_is_unsigned (oci_kind kind)
{
  return kind == OCI_UINT16 || kind == OCI_UINT32 || kind == OCI_UINT64;
}

void
oci_kind_bounds (const oci_field *f, oci_kind kind, int64_t *lo, uint64_t *hi)
{
  switch (kind)
    {
    case OCI_INT32:
      *lo = INT32_MIN, *hi = INT32_MAX;
      break;
    case OCI_UINT16:
      *lo = 0, *hi = UINT16_MAX;
      break;
    case OCI_UINT32:
      *lo = 0, *hi = UINT32_MAX;
      break;
    case OCI_UINT64:
      *lo = 0, *hi = UINT64_MAX;
      break;
    default:
      *lo = INT64_MIN, *hi = INT64_MAX;
      break;
    }
  if (f != NULL && f->ranged)
    {
      if (f->min > *lo)
        *lo = f->min;
      if (f->max >= 0 && (uint64_t) f->max < *hi)
        *hi = (uint64_t) f->max;
    }
}

static int
fail_enum (oci_walk *w, const char *const *enums, const char *s, size_t len)
{
  char quoted[QUOTE_MAX + 8];
  char list[1024] = "";
  size_t used = 0, i;

  for (i = 0; enums[i] != NULL; i++)
    {
      int n = snprintf (list + used, sizeof (list) - used, "%s%s", i ? ", " : "", enums[i]);
      if (n < 0 || (size_t) n >= sizeof (list) - used)
        break;
      used += (size_t) n;
    }
  oci_quote_for_message (quoted, sizeof (quoted), s, len);
  return oci_walk_fail (w, "unknown value %s (expected one of %s)", quoted, list);
}

int
oci_check_string (oci_walk *w, const oci_field *f, const char *s, size_t len)
{
  char quoted[QUOTE_MAX + 8];
  size_t i;

  if (memchr (s, '\0', len) != NULL)
    return oci_walk_fail (w, "string contains a NUL byte");
  if (f->enums != NULL)
    {
      for (i = 0; f->enums[i] != NULL; i++)
        if (strcmp (f->enums[i], s) == 0)
          break;
      if (f->enums[i] == NULL)
        return fail_enum (w, f->enums, s, len);
    }
  if (f->pattern != NULL && !f->pattern->match (s))
    {
      oci_quote_for_message (quoted, sizeof (quoted), s, len);
      return oci_walk_fail (w, "%s does not match %s", quoted, f->pattern->text);
    }
  return 0;
}
