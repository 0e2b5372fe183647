/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A very small test harness: CHECK() records a failure and goes on; the
 * program exits non-zero if anything failed and prints what it checked. */
#ifndef CASING_UNIT_TEST_H
#define CASING_UNIT_TEST_H

#include <stdio.h>
#include <string.h>

static int unit_checks, unit_failures;

#define CHECK(cond)                                                                      \
  do                                                                                     \
    {                                                                                    \
      unit_checks++;                                                                     \
      if (!(cond))                                                                       \
        {                                                                                \
          unit_failures++;                                                               \
          fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                                \
    }                                                                                    \
  while (0)

#define CHECK_STR(a, b)                                                                  \
  do                                                                                     \
    {                                                                                    \
      const char *_a = (a), *_b = (b);                                                   \
      unit_checks++;                                                                     \
      if (_a == NULL || _b == NULL || strcmp (_a, _b) != 0)                              \
        {                                                                                \
          unit_failures++;                                                               \
          fprintf (stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__,   \
                   _b ? _b : "(null)", _a ? _a : "(null)");                              \
        }                                                                                \
    }                                                                                    \
  while (0)

static inline int
unit_report (const char *name)
{
  printf ("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
  return unit_failures ? 1 : 0;
}

#endif
