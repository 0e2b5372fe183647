/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The schema patterns, matched by hand: each is anchored and simple, and a
 * hand matcher has no locale, no compile step and no shared state. */
#include <stdbool.h>
#include <string.h>

#include "tables.h"

static bool
is_upper (char c)
{
  return c >= 'A' && c <= 'Z';
}

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* ^PREFIX[A-Z]+$, or ^PREFIX[A-Z_]+$ when `underscore` */
static bool
match_prefix_upper (const char *s, const char *prefix, bool underscore)
{
  size_t n = strlen (prefix);

  if (strncmp (s, prefix, n) != 0 || s[n] == '\0')
    return false;
  for (s += n; *s; s++)
    if (!is_upper (*s) && !(underscore && *s == '_'))
      return false;
  return true;
}

static bool
match_rlimit_type (const char *s)
{
  return match_prefix_upper (s, "RLIMIT_", false);
}

static bool
match_capability (const char *s)
{
  return match_prefix_upper (s, "CAP_", true);
}

static bool
match_cpu_affinity (const char *s)
{
  return s[strspn (s, "0123456789, -")] == '\0';
}

static bool
match_device_type (const char *s)
{
  return s[0] != '\0' && strchr ("cbup", s[0]) != NULL && s[1] == '\0';
}

static bool
match_hugepage_size (const char *s)
{
  if (s[0] < '1' || s[0] > '9')
    return false;
  while (is_digit (*s))
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static bool
match_mem_bw_schema (const char *s)
{
  return strncmp (s, "MB:", 3) == 0 && strchr (s + 3, '\n') == NULL;
}

const oci_pattern oci_pattern_rlimit_type = { "^RLIMIT_[A-Z]+$", match_rlimit_type };
const oci_pattern oci_pattern_capability = { "^CAP_[A-Z_]+$", match_capability };
const oci_pattern oci_pattern_cpu_affinity = { "^[0-9, -]*$", match_cpu_affinity };
const oci_pattern oci_pattern_device_type = { "^[cbup]$", match_device_type };
const oci_pattern oci_pattern_hugepage_size = { "^[1-9][0-9]*[KMG]B$", match_hugepage_size };
const oci_pattern oci_pattern_mem_bw_schema = { "^MB:[^\\n]*$", match_mem_bw_schema };
