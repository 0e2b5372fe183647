/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "core/utils.h"
#include "confine.h"
#include "names.h"

/* Large enough for any CPU or NUMA node number Linux supports. */
#define ID_LIST_MAX 65536
#define WORD_BITS (sizeof (unsigned long) * CHAR_BIT)

static int
parse_id (const char *field, const char **p, unsigned long *out, casing_error_t *err)
{
  char *end;
  unsigned long v;

  while (**p == ' ')
    (*p)++;
  if (**p < '0' || **p > '9')
    return casing_error_set (err, 0, "%s: expected a number at \"%s\"", field, *p);
  errno = 0;
  v = strtoul (*p, &end, 10);
  if (errno != 0 || v >= ID_LIST_MAX)
    return casing_error_set (err, 0, "%s: %s is out of range", field, *p);
  *p = end;
  while (**p == ' ')
    (*p)++;
  *out = v;
  return 0;
}

int
id_list_parse (const char *field, const char *s, unsigned long **mask, size_t *nbits, casing_error_t *err)
{
  cleanup_free unsigned long *m = NULL;
  size_t highest = 0;
  const char *p;

  /* First pass only sizes the mask. */
  for (int pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        m = xmalloc0 ((highest / WORD_BITS + 1) * sizeof (unsigned long));
      for (p = s; *p;)
        {
          unsigned long a, b;
          if (parse_id (field, &p, &a, err) < 0)
            return -1;
          b = a;
          if (*p == '-')
            {
              p++;
              if (parse_id (field, &p, &b, err) < 0)
                return -1;
              if (b < a)
                return casing_error_set (err, 0, "%s: range %lu-%lu is reversed", field, a, b);
            }
          if (*p == ',')
            p++;
          else if (*p != '\0')
            return casing_error_set (err, 0, "%s: unexpected \"%s\"", field, p);
          if (b > highest)
            highest = b;
          for (unsigned long i = a; pass == 1 && i <= b; i++)
            m[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
        }
    }
  *nbits = (highest / WORD_BITS + 1) * WORD_BITS;
  *mask = steal_pointer (&m);
  return 0;
}

bool
id_list_empty (const char *s)
{
  return s == NULL || s[strspn (s, " ")] == '\0';
}

int
process_apply_cpu_affinity (const char *cpus, casing_error_t *err)
{
  cleanup_free unsigned long *mask = NULL;
  size_t nbits;

  /* config.md: omitted or empty means "do not change". */
  if (id_list_empty (cpus))
    return 0;
  if (id_list_parse ("process.execCPUAffinity", cpus, &mask, &nbits, err) < 0)
    return -1;
  /* cpu_set_t is an array of unsigned long, so the mask is one. */
  if (sched_setaffinity (0, nbits / CHAR_BIT, (cpu_set_t *) mask) < 0)
    return casing_error_errno (err, "process.execCPUAffinity: sched_setaffinity \"%s\"", cpus);
  return 0;
}
