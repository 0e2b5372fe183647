/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The protocol buffers wire format, as much of it as CRIU's RPC needs
 * (images/rpc.proto of criu 3.x): Debian ships the criu binary but no
 * library to link, so `criu swrk` is spoken to directly.  Messages are
 * built field by field and read back with a cursor; nothing here knows
 * what the fields mean (criu_rpc.c does). */
#ifndef CASING_CRIU_PROTO_H
#define CASING_CRIU_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A message being built: append fields in any order. */
struct pb_buf
{
  uint8_t *data;
  size_t len, cap;
};

void pb_buf_free (struct pb_buf *b);
void pb_put_uint (struct pb_buf *b, unsigned field, uint64_t v);
/* int32 fields: a negative value takes ten bytes (sign-extended). */
void pb_put_int (struct pb_buf *b, unsigned field, int64_t v);
void pb_put_bool (struct pb_buf *b, unsigned field, bool v);
void pb_put_bytes (struct pb_buf *b, unsigned field, const void *p, size_t n);
void pb_put_string (struct pb_buf *b, unsigned field, const char *s);
/* An embedded message (the sub buffer is copied, not consumed). */
void pb_put_message (struct pb_buf *b, unsigned field, const struct pb_buf *sub);

enum pb_wire
{
  PB_VARINT = 0,
  PB_FIXED64 = 1,
  PB_LEN = 2,
  PB_FIXED32 = 5,
};

/* Reading: pb_next() gives the fields one by one; 1 with a field, 0 at the
 * end, -1 on malformed input (a truncated varint, a length past the end, a
 * wire type this format does not have). */
struct pb_reader
{
  const uint8_t *p, *end;
};

struct pb_field
{
  unsigned number;
  enum pb_wire wire;
  uint64_t value;         /* PB_VARINT, PB_FIXED32/64 */
  const uint8_t *data;    /* PB_LEN */
  size_t len;
};

void pb_reader_init (struct pb_reader *r, const void *data, size_t len);
int pb_next (struct pb_reader *r, struct pb_field *f);
/* A copy of a PB_LEN field as a NUL-terminated string (malloc'd). */
char *pb_field_string (const struct pb_field *f);

#endif
