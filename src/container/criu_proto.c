/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Protocol buffers encoding (developers.google.com/protocol-buffers/docs/
 * encoding): a key varint (field number << 3 | wire type) before each
 * value; varints little-endian base 128; strings and embedded messages
 * length-prefixed. */
#include <stdlib.h>
#include <string.h>

#include "core/utils.h"
#include "criu_proto.h"

void
pb_buf_free (struct pb_buf *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static void
reserve (struct pb_buf *b, size_t more)
{
  if (b->len + more <= b->cap)
    return;
  while (b->len + more > b->cap)
    b->cap = b->cap ? b->cap * 2 : 64;
  b->data = xrealloc (b->data, b->cap);
}

static void
put_varint (struct pb_buf *b, uint64_t v)
{
  reserve (b, 10);
  do
    {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      b->data[b->len++] = byte | (v ? 0x80 : 0);
    }
  while (v);
}

static void
put_key (struct pb_buf *b, unsigned field, enum pb_wire wire)
{
  put_varint (b, ((uint64_t) field << 3) | wire);
}

void
pb_put_uint (struct pb_buf *b, unsigned field, uint64_t v)
{
  put_key (b, field, PB_VARINT);
  put_varint (b, v);
}

void
pb_put_int (struct pb_buf *b, unsigned field, int64_t v)
{
  pb_put_uint (b, field, (uint64_t) v);
}

void
pb_put_bool (struct pb_buf *b, unsigned field, bool v)
{
  pb_put_uint (b, field, v ? 1 : 0);
}

void
pb_put_bytes (struct pb_buf *b, unsigned field, const void *p, size_t n)
{
  put_key (b, field, PB_LEN);
  put_varint (b, n);
  reserve (b, n);
  if (n)
    memcpy (b->data + b->len, p, n);
  b->len += n;
}

void
pb_put_string (struct pb_buf *b, unsigned field, const char *s)
{
  pb_put_bytes (b, field, s, strlen (s));
}

void
pb_put_message (struct pb_buf *b, unsigned field, const struct pb_buf *sub)
{
  pb_put_bytes (b, field, sub->data, sub->len);
}

void
pb_reader_init (struct pb_reader *r, const void *data, size_t len)
{
  r->p = data;
  r->end = r->p + len;
}

static int
get_varint (struct pb_reader *r, uint64_t *out)
{
  uint64_t v = 0;

  for (unsigned shift = 0; shift < 64; shift += 7)
    {
      uint8_t byte;
      if (r->p >= r->end)
        return -1;
      byte = *r->p++;
      v |= (uint64_t) (byte & 0x7f) << shift;
      if (!(byte & 0x80))
        {
          *out = v;
          return 0;
        }
    }
  return -1;
}

static int
get_fixed (struct pb_reader *r, size_t n, uint64_t *out)
{
  uint64_t v = 0;

  if ((size_t) (r->end - r->p) < n)
    return -1;
  for (size_t i = 0; i < n; i++)
    v |= (uint64_t) r->p[i] << (8 * i);
  r->p += n;
  *out = v;
  return 0;
}

int
pb_next (struct pb_reader *r, struct pb_field *f)
{
  uint64_t key, len;

  if (r->p >= r->end)
    return 0;
  if (get_varint (r, &key) < 0 || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
    return -1;
  memset (f, 0, sizeof *f);
  f->number = (unsigned) (key >> 3);
  f->wire = (enum pb_wire) (key & 7);
  switch (f->wire)
    {
    case PB_VARINT:
      return get_varint (r, &f->value) < 0 ? -1 : 1;
    case PB_FIXED64:
      return get_fixed (r, 8, &f->value) < 0 ? -1 : 1;
    case PB_FIXED32:
      return get_fixed (r, 4, &f->value) < 0 ? -1 : 1;
    case PB_LEN:
      if (get_varint (r, &len) < 0 || len > (uint64_t) (r->end - r->p))
        return -1;
      f->data = r->p;
      f->len = (size_t) len;
      r->p += len;
      return 1;
    }
  return -1;
}

char *
pb_field_string (const struct pb_field *f)
{
  char *s = xmalloc0 (f->len + 1);
  if (f->len)
    memcpy (s, f->data, f->len);
  return s;
}
