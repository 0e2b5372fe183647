/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1 device rules as a change from what the cgroup has now.
 *
 * Written as they are (deny "a", then each rule), the rules leave the
 * cgroup denying everything for a moment: a running container's open of
 * /dev/null fails meanwhile (`update`).  v1 keeps, in deny-by-default mode,
 * a list of exceptions, each a type, major, minor and access bits; an
 * allow adds bits to the exception with that exact key, a deny takes bits
 * away from it.  So the end state of our rules is computed here, and only
 * the difference is written: the new access first, then the removals.
 * Pure code: unit tested in tests/unit/test_cgroups_devices.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "core/utils.h"

struct exceptions
{
  struct device_rule *v;
  size_t n;
};

static struct device_rule *
find (struct exceptions *e, char type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < e->n; i++)
    if (e->v[i].type == type && e->v[i].major == major && e->v[i].minor == minor)
      return &e->v[i];
  return NULL;
}

static void
add_bits (struct exceptions *e, char type, int64_t major, int64_t minor, unsigned access)
{
  struct device_rule *x = find (e, type, major, minor);
  if (x == NULL)
    {
      e->v = xrealloc (e->v, (e->n + 1) * sizeof *e->v);
      x = &e->v[e->n++];
      *x = (struct device_rule){ .allow = true, .type = type, .major = major, .minor = minor, .access = 0 };
    }
  x->access |= access;
}

static void
remove_bits (struct exceptions *e, char type, int64_t major, int64_t minor, unsigned access)
{
  struct device_rule *x = find (e, type, major, minor);
  if (x != NULL)
    x->access &= ~access;
}

/* "12" or "*" (-1). */
static bool
parse_number (const char *s, size_t len, int64_t *out)
{
  char *end;
  if (len == 1 && s[0] == '*')
    {
      *out = -1;
      return true;
    }
  if (len == 0 || len > 10)
    return false;
  *out = strtoll (s, &end, 10);
  return end == s + len && *out >= 0;
}

/* One line of devices.list, "c 1:3 rwm"; false for anything else. */
static bool
parse_line (const char *line, struct exceptions *e)
{
  const char *colon = strchr (line, ':'), *space;
  int64_t major, minor;
  unsigned access = 0;

  if ((line[0] != 'c' && line[0] != 'b') || line[1] != ' ' || colon == NULL)
    return false;
  space = strchr (colon, ' ');
  if (space == NULL || !parse_number (line + 2, colon - line - 2, &major)
      || !parse_number (colon + 1, space - colon - 1, &minor))
    return false;
  for (const char *a = space + 1; *a; a++)
    access |= *a == 'r' ? DEVICE_ACC_READ : *a == 'w' ? DEVICE_ACC_WRITE : *a == 'm' ? DEVICE_ACC_MKNOD : 0u;
  add_bits (e, line[0], major, minor, access);
  return true;
}

/* The exceptions the cgroup has; false when it allows by default ("a *:*
 * rwm" is all devices.list shows then) or the text is not understood. */
static bool
parse_list (const char *text, struct exceptions *e)
{
  cleanup_free char *copy = xstrdup (text);
  char *save = NULL;
  for (char *l = strtok_r (copy, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (!parse_line (l, e))
      return false;
  return true;
}

/* Our rules start with deny-all and then name devices by type: their end
 * state is a list of exceptions.  An "a" rule later on switches the mode:
 * not expressible as a change. */
static bool
end_state (const struct device_rule *rules, size_t n, struct exceptions *e)
{
  if (n == 0 || rules[0].allow || rules[0].type != 'a' || rules[0].access != DEVICE_ACC_ALL)
    return false;
  for (size_t i = 1; i < n; i++)
    {
      const struct device_rule *r = &rules[i];
      if (r->type != 'c' && r->type != 'b')
        return false;
      if (r->allow)
        add_bits (e, r->type, r->major, r->minor, r->access);
      else
        remove_bits (e, r->type, r->major, r->minor, r->access);
    }
  return true;
}

static void
push (struct exceptions *out, const struct device_rule *x, bool allow, unsigned access)
{
  out->v = xrealloc (out->v, (out->n + 1) * sizeof *out->v);
  out->v[out->n] = *x;
  out->v[out->n].allow = allow;
  out->v[out->n].access = access;
  out->n++;
}

int
device_rules_v1_plan (const char *current, const struct device_rule *rules, size_t n, struct device_rule **writes,
                      size_t *n_writes)
{
  struct exceptions now = { 0 }, want = { 0 }, plan = { 0 };
  bool ok = parse_list (current, &now) && end_state (rules, n, &want);

  if (ok)
    {
      for (size_t i = 0; i < want.n; i++)
        {
          const struct device_rule *c = find (&now, want.v[i].type, want.v[i].major, want.v[i].minor);
          unsigned missing = want.v[i].access & ~(c ? c->access : 0u);
          if (missing)
            push (&plan, &want.v[i], true, missing);
        }
      for (size_t i = 0; i < now.n; i++)
        {
          const struct device_rule *w = find (&want, now.v[i].type, now.v[i].major, now.v[i].minor);
          unsigned extra = now.v[i].access & ~(w ? w->access : 0u);
          if (extra)
            push (&plan, &now.v[i], false, extra);
        }
    }
  free (now.v);
  free (want.v);
  *writes = plan.v;
  *n_writes = plan.n;
  return ok ? 0 : 1;
}
