/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conversions.h"
#include "core/utils.h"

uint64_t
cgroup_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  /* The ends of both ranges meet: 2 -> 1, 262144 -> 10000. */
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
cgroup_blkio_weight_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + ((weight - 10) * 9999) / 990;
}

int
cgroup_swap_to_v2 (int64_t limit, int64_t swap, int64_t *out, casing_error_t *err)
{
  if (swap == 0)
    return 0;
  if (swap < 0)
    {
      *out = -1;
      return 1;
    }
  if (limit <= 0)
    return casing_error_set (err, EINVAL,
                             "linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2");
  if (swap < limit)
    return casing_error_set (err, EINVAL,
                             "linux.resources.memory.swap: %" PRId64 " is lower than memory.limit %" PRId64
                             " (swap counts memory plus swap)",
                             swap, limit);
  *out = swap - limit;
  return 1;
}

void
cgroup_v2_limit_str (int64_t v, char *buf, size_t len)
{
  if (v < 0)
    snprintf (buf, len, "max");
  else
    snprintf (buf, len, "%" PRId64, v);
}

void
cgroup_cpu_max_str (bool has_quota, int64_t quota, bool has_period, uint64_t period, char *buf, size_t len)
{
  char q[32];
  if (!has_quota || quota <= 0)
    snprintf (q, sizeof q, "max");
  else
    snprintf (q, sizeof q, "%" PRId64, quota);
  if (has_period && period > 0)
    snprintf (buf, len, "%s %" PRIu64, q, period);
  else
    snprintf (buf, len, "%s", q);
}

static const char *const throttle_keys[] = { "rbps", "wbps", "riops", "wiops" };
static const char *const throttle_files[] = {
  "blkio.throttle.read_bps_device",
  "blkio.throttle.write_bps_device",
  "blkio.throttle.read_iops_device",
  "blkio.throttle.write_iops_device",
};

void
cgroup_io_max_line (enum cgroup_throttle kind, int64_t major, int64_t minor, uint64_t rate, char *buf, size_t len)
{
  if (rate == 0)
    snprintf (buf, len, "%" PRId64 ":%" PRId64 " %s=max", major, minor, throttle_keys[kind]);
  else
    snprintf (buf, len, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, major, minor, throttle_keys[kind], rate);
}

const char *
cgroup_blkio_throttle_file (enum cgroup_throttle kind)
{
  return throttle_files[kind];
}

int
cgroup_hugepage_size_parse (const char *s, uint64_t *bytes)
{
  uint64_t n = 0;
  const char *p = s;
  if (s == NULL || *s < '1' || *s > '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++)
    {
      if (n > UINT64_MAX / 10)
        return -1;
      n = n * 10 + (uint64_t) (*p - '0');
    }
  int shift;
  if (strcmp (p, "KB") == 0)
    shift = 10;
  else if (strcmp (p, "MB") == 0)
    shift = 20;
  else if (strcmp (p, "GB") == 0)
    shift = 30;
  else
    return -1;
  if (n > (UINT64_MAX >> shift))
    return -1;
  *bytes = n << shift;
  return 0;
}

#define CPUSET_LIST_MAX 65535
#define CPUSET_LIST_BLANKS " \t\n"

/* One decimal number at *p, before `end`, up to CPUSET_LIST_MAX. */
static int
cpuset_list_number (const char **p, const char *end, unsigned *out)
{
  const char *q = *p;
  unsigned v = 0;
  if (q == end || *q < '0' || *q > '9')
    return -1;
  for (; q < end && *q >= '0' && *q <= '9'; q++)
    {
      v = v * 10 + (unsigned) (*q - '0');
      if (v > CPUSET_LIST_MAX)
        return -1;
    }
  *p = q;
  *out = v;
  return 0;
}

int
cgroup_cpuset_list_parse (const char *s, uint16_t **out, size_t *n, casing_error_t *err)
{
  const char *start = s + strspn (s, CPUSET_LIST_BLANKS), *end = start + strlen (start), *p = start;
  uint16_t *v = NULL;
  size_t len = 0;
  unsigned next = 0; /* the lowest number allowed next */

  *out = NULL;
  *n = 0;
  while (end > start && strchr (CPUSET_LIST_BLANKS, end[-1]))
    end--;
  while (p < end)
    {
      unsigned lo, hi;
      if (cpuset_list_number (&p, end, &lo) < 0)
        goto bad;
      hi = lo;
      if (p < end && *p == '-')
        {
          p++;
          if (cpuset_list_number (&p, end, &hi) < 0)
            goto bad;
        }
      if (lo < next || hi < lo)
        goto bad;
      /* One comma between items, none at the end. */
      if (p < end && (*p++ != ',' || p == end))
        goto bad;
      v = xrealloc (v, (len + hi - lo + 1) * sizeof *v);
      for (unsigned i = lo; i <= hi; i++)
        v[len++] = (uint16_t) i;
      next = hi + 1;
    }
  *out = v;
  *n = len;
  return 0;
bad:
  free (v);
  return casing_error_set (err, EINVAL, "`%.*s` is not a CPU or memory node list", (int) (end - start), start);
}
