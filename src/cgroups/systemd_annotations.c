/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `org.systemd.property.NAME` annotations: unit properties for the
 * transient scope of the systemd driver, as runc takes them.  The value is
 * a small part of GVariant's text form: true/false, an unsigned integer
 * (optionally "uint64 N"), a quoted string; for a NAME ending in "Sec" also
 * a duration ("5s", "500ms", "2min"), sent as NAMEUSec in microseconds.
 * Pure code: unit tested in tests/unit/test_systemd_props.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "systemd_props.h"
#include "core/utils.h"

#define PREFIX "org.systemd.property."
#define NAME_MAX_LEN 64

static int
parse_u64 (const char *s, uint64_t *out)
{
  char *end = NULL;
  if (!isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

/* "1.5s", "500ms", "2min", "1h", "10us", "3" (seconds): microseconds. */
static int
parse_duration_usec (const char *s, uint64_t *out)
{
  static const struct
  {
    const char *unit;
    double usec;
  } units[] = { { "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "min", 60e6 }, { "h", 3600e6 }, { "", 1e6 } };
  char *end = NULL;
  double v;

  if (!isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  v = strtod (s, &end);
  if (errno || v < 0)
    return -1;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp (end, units[i].unit) == 0 && v * units[i].usec < 1.8e19)
      {
        *out = (uint64_t) (v * units[i].usec + 0.5);
        return 0;
      }
  return -1;
}

static bool
valid_name (const char *name)
{
  size_t n = strlen (name);
  if (n == 0 || n > NAME_MAX_LEN || !isupper ((unsigned char) name[0]))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum ((unsigned char) name[i]))
      return false;
  return true;
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t a = strlen (s), b = strlen (suffix);
  return a >= b && strcmp (s + a - b, suffix) == 0;
}

/* One property from NAME and its text value. */
static int
parse_one (const char *name, const char *value, struct systemd_prop *p)
{
  size_t len = strlen (value);
  uint64_t u;

  memset (p, 0, sizeof *p);
  if (strcmp (value, "true") == 0 || strcmp (value, "false") == 0)
    p->type = 'b', p->u64 = value[0] == 't';
  else if (parse_u64 (value, &u) == 0 || (strncmp (value, "uint64 ", 7) == 0 && parse_u64 (value + 7, &u) == 0))
    p->type = 't', p->u64 = u;
  else if (len >= 2 && (value[0] == '\'' || value[0] == '"') && value[len - 1] == value[0]
           && memchr (value + 1, value[0], len - 2) == NULL)
    {
      p->type = 's';
      p->owned_str = xmalloc0 (len - 1);
      memcpy (p->owned_str, value + 1, len - 2);
      p->str = p->owned_str;
    }
  else if (ends_with (name, "Sec") && !ends_with (name, "USec") && parse_duration_usec (value, &u) == 0)
    {
      p->type = 't', p->u64 = u;
      xasprintf (&p->owned_name, "%.*sUSec", (int) strlen (name) - 3, name);
    }
  else
    return -1;
  if (p->owned_name == NULL)
    p->owned_name = xstrdup (name);
  p->name = p->owned_name;
  return 0;
}

int
systemd_props_from_annotations (const oci_map *annotations, struct systemd_props *out, casing_error_t *err)
{
  for (size_t i = 0; annotations && i < annotations->len; i++)
    {
      const char *key = annotations->items[i].key, *value = annotations->items[i].value;
      struct systemd_prop p;

      if (key == NULL || strncmp (key, PREFIX, strlen (PREFIX)) != 0)
        continue;
      if (!valid_name (key + strlen (PREFIX)))
        return casing_error_set (err, 0, "annotations.%s: not a systemd property name", key);
      if (value == NULL || parse_one (key + strlen (PREFIX), value, &p) < 0)
        return casing_error_set (err, 0, "annotations.%s: cannot read `%s` (true, false, a number, "
                                 "'a string', or a duration for a *Sec property)", key, value ? value : "");
      out->v = xrealloc (out->v, (out->n + 1) * sizeof (*out->v));
      out->v[out->n++] = p;
    }
  return 0;
}
