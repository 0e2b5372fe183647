/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json_numbers.h"

/* 20 digits hold UINT64_MAX; JSON forbids leading zeros, so any longer
 * digit string is out of range without converting it. */
#define MAX_DIGITS 20

/* Checks the text is an optional '-' and digits only; sets *negative. */
static json_int_result
check_integer_text (const char *text, size_t len, bool *negative, size_t *digits)
{
  size_t i = 0;

  *negative = len > 0 && text[0] == '-';
  if (*negative)
    i++;
  if (i == len)
    return JSON_INT_NOT_INTEGER;
  for (; i < len; i++)
    if (text[i] < '0' || text[i] > '9')
      return JSON_INT_NOT_INTEGER;
  *digits = len - (*negative ? 1 : 0);
  return JSON_INT_OK;
}

json_int_result
json_parse_uint (const char *text, size_t len, uint64_t max, uint64_t *out)
{
  char buf[MAX_DIGITS + 1];
  bool negative;
  size_t digits;
  json_int_result r = check_integer_text (text, len, &negative, &digits);
  unsigned long long v;

  if (r != JSON_INT_OK)
    return r;
  if (negative)
    return JSON_INT_NEGATIVE;
  if (digits > MAX_DIGITS)
    return JSON_INT_OUT_OF_RANGE;
  memcpy (buf, text, len);
  buf[len] = '\0';
  errno = 0;
  v = strtoull (buf, NULL, 10);
  if (errno == ERANGE || v > max)
    return JSON_INT_OUT_OF_RANGE;
  *out = v;
  return JSON_INT_OK;
}

json_int_result
json_parse_int (const char *text, size_t len, int64_t min, int64_t max, int64_t *out)
{
  char buf[MAX_DIGITS + 2];
  bool negative;
  size_t digits;
  json_int_result r = check_integer_text (text, len, &negative, &digits);
  long long v;

  if (r != JSON_INT_OK)
    return r;
  if (digits > MAX_DIGITS)
    return JSON_INT_OUT_OF_RANGE;
  memcpy (buf, text, len);
  buf[len] = '\0';
  errno = 0;
  v = strtoll (buf, NULL, 10);
  if (errno == ERANGE || v < min || v > max)
    return JSON_INT_OUT_OF_RANGE;
  *out = v;
  return JSON_INT_OK;
}
