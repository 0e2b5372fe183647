/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Integers from their raw JSON text, range-checked for an exact C type.
 * yajl would hand us a long long or a double; neither holds every uint64. */
#ifndef OCISPEC_JSON_NUMBERS_H
#define OCISPEC_JSON_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

typedef enum json_int_result
{
  JSON_INT_OK = 0,
  JSON_INT_NOT_INTEGER = -1, /* a fraction, an exponent, or not a number */
  JSON_INT_NEGATIVE = -2,    /* a minus sign where only >= 0 is allowed */
  JSON_INT_OUT_OF_RANGE = -3,
} json_int_result;

json_int_result json_parse_uint (const char *text, size_t len, uint64_t max, uint64_t *out);
json_int_result json_parse_int (const char *text, size_t len, int64_t min, int64_t max, int64_t *out);

#endif
