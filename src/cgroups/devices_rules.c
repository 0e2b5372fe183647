/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "core/utils.h"

/* What every container gets, as engines expect from runc: the standard
 * /dev nodes a process needs, and mknod of anything (opening still needs
 * an allow rule). */
static const struct device_rule default_rules[] = {
  { true, 'c', -1, -1, DEVICE_ACC_MKNOD },
  { true, 'b', -1, -1, DEVICE_ACC_MKNOD },
  { true, 'c', 1, 3, DEVICE_ACC_ALL },   /* null */
  { true, 'c', 1, 5, DEVICE_ACC_ALL },   /* zero */
  { true, 'c', 1, 7, DEVICE_ACC_ALL },   /* full */
  { true, 'c', 1, 8, DEVICE_ACC_ALL },   /* random */
  { true, 'c', 1, 9, DEVICE_ACC_ALL },   /* urandom */
  { true, 'c', 5, 0, DEVICE_ACC_ALL },   /* tty */
  { true, 'c', 5, 1, DEVICE_ACC_ALL },   /* console */
  { true, 'c', 5, 2, DEVICE_ACC_ALL },   /* ptmx */
  { true, 'c', 136, -1, DEVICE_ACC_ALL }, /* pts/N */
};

static int
parse_access (const char *s, unsigned *out)
{
  *out = 0;
  if (s == NULL || *s == '\0')
    {
      *out = DEVICE_ACC_ALL;
      return 0;
    }
  for (; *s; s++)
    switch (*s)
      {
      case 'r': *out |= DEVICE_ACC_READ; break;
      case 'w': *out |= DEVICE_ACC_WRITE; break;
      case 'm': *out |= DEVICE_ACC_MKNOD; break;
      default: return -1;
      }
  return 0;
}

static int
from_resource (const oci_device_cgroup *d, size_t i, struct device_rule *r, casing_error_t *err)
{
  r->allow = d->allow;
  r->type = d->type && *d->type ? d->type[0] : 'a';
  if ((r->type != 'a' && r->type != 'c' && r->type != 'b') || (d->type && strlen (d->type) > 1))
    return casing_error_set (err, EINVAL, "linux.resources.devices[%zu].type: `%s` is not a, b or c", i, d->type);
  r->major = d->has_major ? d->major : -1;
  r->minor = d->has_minor ? d->minor : -1;
  if (r->major < -1 || r->major > 0xfff || r->minor < -1 || r->minor > 0xfffff)
    return casing_error_set (err, EINVAL, "linux.resources.devices[%zu]: major/minor out of range", i);
  if (parse_access (d->access, &r->access) < 0)
    return casing_error_set (err, EINVAL, "linux.resources.devices[%zu].access: `%s` is not a combination of rwm", i,
                             d->access);
  return 0;
}

static int
from_device (const oci_device *d, size_t i, struct device_rule *r, casing_error_t *err)
{
  r->allow = true;
  r->access = DEVICE_ACC_ALL;
  r->type = d->type && (d->type[0] == 'b') ? 'b' : 'c';
  if (d->type == NULL || strchr ("cbu", d->type[0]) == NULL || d->type[0] == '\0')
    {
      /* A fifo ("p") is not a device the cgroup controls. */
      r->type = 0;
      return 0;
    }
  if (!d->has_major || !d->has_minor || d->major < 0 || d->major > 0xfff || d->minor < 0 || d->minor > 0xfffff)
    return casing_error_set (err, EINVAL, "linux.devices[%zu] `%s`: needs major and minor numbers", i,
                             d->path ? d->path : "");
  r->major = d->major;
  r->minor = d->minor;
  return 0;
}

int
device_rules_build (const oci_device_cgroup *res, size_t n_res, const oci_device *devs, size_t n_devs,
                    struct device_rule **out, size_t *n_out, casing_error_t *err)
{
  size_t n_def = sizeof default_rules / sizeof default_rules[0];
  size_t n = 0;
  cleanup_free struct device_rule *rules = xmalloc0 ((1 + n_res + n_def + n_devs) * sizeof (*rules));

  rules[n++] = (struct device_rule) { false, 'a', -1, -1, DEVICE_ACC_ALL };
  for (size_t i = 0; i < n_res; i++)
    if (from_resource (&res[i], i, &rules[n++], err) < 0)
      return -1;
  memcpy (&rules[n], default_rules, sizeof default_rules);
  n += n_def;
  for (size_t i = 0; i < n_devs; i++)
    {
      if (from_device (&devs[i], i, &rules[n], err) < 0)
        return -1;
      if (rules[n].type)
        n++;
    }
  *out = steal_pointer (&rules);
  *n_out = n;
  return 0;
}

void
device_rule_format (const struct device_rule *r, char *buf, size_t len)
{
  char maj[24] = "*", min[24] = "*", acc[4] = "";
  int k = 0;
  if (r->major >= 0)
    snprintf (maj, sizeof maj, "%" PRId64, r->major);
  if (r->minor >= 0)
    snprintf (min, sizeof min, "%" PRId64, r->minor);
  if (r->access & DEVICE_ACC_READ)
    acc[k++] = 'r';
  if (r->access & DEVICE_ACC_WRITE)
    acc[k++] = 'w';
  if (r->access & DEVICE_ACC_MKNOD)
    acc[k++] = 'm';
  acc[k] = '\0';
  snprintf (buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}
