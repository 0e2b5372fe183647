/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conversions.h"
#include "systemd_props.h"
#include "core/utils.h"

/* A CPU list longer than this is not a CPU list (the kernel's NR_CPUS
 * tops out at 8192). */
#define MAX_CPU_INDEX 65535

static struct systemd_prop *
prop_add (struct systemd_props *p, const char *name, char type)
{
  p->v = xrealloc (p->v, (p->n + 1) * sizeof (*p->v));
  struct systemd_prop *q = &p->v[p->n++];
  memset (q, 0, sizeof (*q));
  q->name = name;
  q->type = type;
  return q;
}

static void
prop_u64 (struct systemd_props *p, const char *name, uint64_t v)
{
  prop_add (p, name, 't')->u64 = v;
}

static void
prop_bool (struct systemd_props *p, const char *name, bool v)
{
  prop_add (p, name, 'b')->u64 = v;
}

void
systemd_props_free (struct systemd_props *p)
{
  for (size_t i = 0; i < p->n; i++)
    {
      free (p->v[i].bytes);
      free (p->v[i].devs);
      free (p->v[i].owned_name);
      free (p->v[i].owned_str);
    }
  free (p->v);
  p->v = NULL;
  p->n = 0;
}

static int
parse_index (const char **s, unsigned long *out)
{
  char *end = NULL;
  if (**s < '0' || **s > '9')
    return -1;
  errno = 0;
  *out = strtoul (*s, &end, 10);
  if (errno || *out > MAX_CPU_INDEX)
    return -1;
  *s = end;
  return 0;
}

int
systemd_cpu_list_to_mask (const char *list, uint8_t **mask, size_t *n, casing_error_t *err)
{
  const char *s = list;
  *mask = NULL;
  *n = 0;
  while (*s == ' ' || *s == '\n')
    s++;
  while (*s && *s != '\n')
    {
      unsigned long lo, hi;
      if (parse_index (&s, &lo) < 0)
        goto bad;
      hi = lo;
      if (*s == '-' && (s++, parse_index (&s, &hi) < 0 || hi < lo))
        goto bad;
      if (hi / 8 + 1 > *n)
        {
          *mask = xrealloc (*mask, hi / 8 + 1);
          memset (*mask + *n, 0, hi / 8 + 1 - *n);
          *n = hi / 8 + 1;
        }
      for (unsigned long c = lo; c <= hi; c++)
        (*mask)[c / 8] |= (uint8_t) (1u << (c % 8));
      if (*s == ',')
        s++;
      else if (*s && *s != '\n')
        goto bad;
    }
  return 0;
bad:
  free (*mask);
  *mask = NULL;
  *n = 0;
  return casing_error_set (err, EINVAL, "`%s`: not a CPU or node list such as `0-3,8`", list);
}

uint64_t
systemd_cpu_quota_per_sec (int64_t quota, uint64_t period)
{
  if (quota <= 0)
    return SYSTEMD_INFINITY;
  if (period == 0)
    period = 100000;
  if ((uint64_t) quota > UINT64_MAX / 1000000)
    return SYSTEMD_INFINITY;
  uint64_t per_sec = (uint64_t) quota * 1000000 / period;
  if ((uint64_t) quota * 1000000 % period)
    per_sec++;
  return (per_sec + 9999) / 10000 * 10000;
}

/* ---- devices ---- */

static const char *
major_name (const char *proc_devices, char type, int64_t major)
{
  static char name[40];
  const char *section = type == 'c' ? "Character devices:" : "Block devices:";
  const char *p = proc_devices ? strstr (proc_devices, section) : NULL;
  if (p == NULL)
    return NULL;
  p = strchr (p, '\n');
  while (p && *++p && *p != '\n' && strncmp (p, "Block", 5) != 0)
    {
      long long num;
      int len = 0;
      if (sscanf (p, "%lld %39s%n", &num, name, &len) == 2 && num == major && strcspn (name, "*?[") == strlen (name))
        return name;
      p = strchr (p, '\n');
    }
  return NULL;
}

static void
access_str (unsigned access, char *out)
{
  int i = 0;
  if (access & DEVICE_ACC_READ)
    out[i++] = 'r';
  if (access & DEVICE_ACC_WRITE)
    out[i++] = 'w';
  if (access & DEVICE_ACC_MKNOD)
    out[i++] = 'm';
  out[i] = '\0';
}

struct allow_list
{
  struct systemd_device_allow *v;
  size_t n;
  bool wider; /* what cannot be said exactly: allow more (v2) or less (v1) */
  /* The access each entry stands for, to take denied bits away later. */
  struct device_rule *rule;
};

static void
allow_add_one (struct allow_list *l, const struct device_rule *r, char type, const char *proc_devices)
{
  const char *kind = type == 'c' ? "char" : "block";
  const char *name = r->major >= 0 && r->minor < 0 ? major_name (proc_devices, type, r->major) : NULL;
  bool exact = (r->major >= 0 && r->minor >= 0) || name || (r->major < 0 && r->minor < 0);
  if (!exact && !l->wider)
    return;
  l->v = xrealloc (l->v, (l->n + 1) * sizeof (*l->v));
  l->rule = xrealloc (l->rule, (l->n + 1) * sizeof (*l->rule));
  struct systemd_device_allow *a = &l->v[l->n];
  l->rule[l->n] = *r;
  l->rule[l->n].type = type;
  l->n++;
  if (r->major >= 0 && r->minor >= 0)
    snprintf (a->path, sizeof a->path, "/dev/%s/%" PRId64 ":%" PRId64, kind, r->major, r->minor);
  else if (name)
    snprintf (a->path, sizeof a->path, "%s-%s", kind, name);
  else
    snprintf (a->path, sizeof a->path, "%s-*", kind);
  access_str (r->access, a->perms);
}

static bool
matches (int64_t a, int64_t b)
{
  return a < 0 || b < 0 || a == b;
}

static bool
rule_covers (const struct device_rule *deny, const struct device_rule *allow)
{
  return (deny->type == 'a' || deny->type == allow->type) && (deny->major < 0 || deny->major == allow->major)
         && (deny->minor < 0 || deny->minor == allow->minor);
}

static bool
rule_overlaps (const struct device_rule *deny, const struct device_rule *allow)
{
  return (deny->type == 'a' || deny->type == allow->type) && matches (deny->major, allow->major)
         && matches (deny->minor, allow->minor);
}

/* A specific deny takes its bits away from the allows it covers.  An allow
 * wider than the deny keeps them when the list may be wider, and loses
 * them when it must not be. */
static void
allow_remove (struct allow_list *l, const struct device_rule *deny)
{
  size_t out = 0;
  for (size_t i = 0; i < l->n; i++)
    {
      if (l->wider ? rule_covers (deny, &l->rule[i]) : rule_overlaps (deny, &l->rule[i]))
        {
          l->rule[i].access &= ~deny->access;
          access_str (l->rule[i].access, l->v[i].perms);
        }
      if (l->rule[i].access == 0)
        continue;
      l->v[out] = l->v[i];
      l->rule[out++] = l->rule[i];
    }
  l->n = out;
}

/* systemd keeps one entry per path, the last one given: entries that map
 * to the same path ("char-*" for several rules) are merged here. */
static void
allow_merge (struct allow_list *l)
{
  size_t out = 0;
  for (size_t i = 0; i < l->n; i++)
    {
      size_t j = 0;
      while (j < out && strcmp (l->v[j].path, l->v[i].path) != 0)
        j++;
      if (j < out)
        {
          l->rule[j].access |= l->rule[i].access;
          access_str (l->rule[j].access, l->v[j].perms);
          continue;
        }
      l->v[out] = l->v[i];
      l->rule[out++] = l->rule[i];
    }
  l->n = out;
}

int
systemd_device_allow_list (const struct device_rule *rules, size_t n, const char *proc_devices, bool v2,
                           const char **policy, struct systemd_device_allow **devs, size_t *n_devs)
{
  struct allow_list l = { .wider = v2 };
  bool allow_all = false;
  for (size_t i = 0; i < n; i++)
    {
      const struct device_rule *r = &rules[i];
      bool everything = r->type == 'a' && r->major < 0 && r->minor < 0;
      if (everything)
        {
          l.n = 0;
          allow_all = r->allow && r->access == DEVICE_ACC_ALL;
          if (!r->allow || allow_all)
            continue;
        }
      if (allow_all)
        continue; /* a deny after allow-all cannot be said: stay wider */
      if (!r->allow)
        {
          allow_remove (&l, r);
          continue;
        }
      if (r->type == 'a' || r->type == 'c')
        allow_add_one (&l, r, 'c', proc_devices);
      if (r->type == 'a' || r->type == 'b')
        allow_add_one (&l, r, 'b', proc_devices);
    }
  allow_merge (&l);
  free (l.rule);
  if (allow_all)
    {
      free (l.v);
      l.v = NULL, l.n = 0;
    }
  *policy = allow_all ? "auto" : "strict";
  *devs = l.v;
  *n_devs = l.n;
  return 0;
}

/* ---- resources ---- */

static int
memory_props (struct systemd_props *p, const oci_memory *m, bool v2, casing_error_t *err)
{
  if (m == NULL)
    return 0;
  if (m->has_limit && m->limit != 0)
    prop_u64 (p, v2 ? "MemoryMax" : "MemoryLimit", m->limit < 0 ? SYSTEMD_INFINITY : (uint64_t) m->limit);
  if (!v2)
    return 0;
  if (m->has_reservation && m->reservation != 0)
    prop_u64 (p, "MemoryLow", m->reservation < 0 ? SYSTEMD_INFINITY : (uint64_t) m->reservation);
  if (m->has_swap && m->has_limit)
    {
      int64_t swap = 0;
      int r = cgroup_swap_to_v2 (m->limit, m->swap, &swap, err);
      if (r < 0)
        return -1;
      if (r > 0)
        prop_u64 (p, "MemorySwapMax", swap < 0 ? SYSTEMD_INFINITY : (uint64_t) swap);
    }
  return 0;
}

static int
cpuset_prop (struct systemd_props *p, const char *name, const char *list, casing_error_t *err)
{
  uint8_t *mask = NULL;
  size_t n = 0;
  if (list == NULL || *list == '\0')
    return 0;
  if (systemd_cpu_list_to_mask (list, &mask, &n, err) < 0)
    return casing_error_prefix (err, "linux.resources.cpu.%s", strcmp (name, "AllowedCPUs") == 0 ? "cpus" : "mems");
  struct systemd_prop *q = prop_add (p, name, 'y');
  q->bytes = mask;
  q->n_bytes = n;
  return 0;
}

static int
cpu_props (struct systemd_props *p, const oci_cpu *c, bool v2, casing_error_t *err)
{
  if (c == NULL)
    return 0;
  if (c->has_shares && c->shares)
    prop_u64 (p, v2 ? "CPUWeight" : "CPUShares", v2 ? cgroup_shares_to_weight (c->shares) : c->shares);
  if (c->has_quota && c->quota != 0)
    prop_u64 (p, "CPUQuotaPerSecUSec",
              systemd_cpu_quota_per_sec (c->quota, c->has_period ? c->period : 100000));
  if (c->has_period && c->period)
    prop_u64 (p, "CPUQuotaPeriodUSec", c->period);
  /* systemd manages cpuset only on the unified hierarchy. */
  if (v2 && (cpuset_prop (p, "AllowedCPUs", c->cpus, err) < 0 || cpuset_prop (p, "AllowedMemoryNodes", c->mems, err) < 0))
    return -1;
  return 0;
}

static void
devices_prop (struct systemd_props *p, const struct systemd_props_input *in)
{
  const char *policy;
  struct systemd_device_allow *devs;
  size_t n;
  systemd_device_allow_list (in->rules, in->n_rules, in->proc_devices, in->v2, &policy, &devs, &n);
  prop_add (p, "DevicePolicy", 's')->str = policy;
  struct systemd_prop *q = prop_add (p, "DeviceAllow", 'D');
  q->devs = devs;
  q->n_devs = n;
}

int
systemd_props_build (const struct systemd_props_input *in, struct systemd_props *out, casing_error_t *err)
{
  const oci_resources *r = in->resources;
  memset (out, 0, sizeof (*out));
  if (in->create)
    {
      prop_bool (out, "MemoryAccounting", true);
      prop_bool (out, "CPUAccounting", true);
      prop_bool (out, in->v2 ? "IOAccounting" : "BlockIOAccounting", true);
      prop_bool (out, "TasksAccounting", true);
    }
  if (r && (memory_props (out, r->memory, in->v2, err) < 0 || cpu_props (out, r->cpu, in->v2, err) < 0))
    {
      systemd_props_free (out);
      return -1;
    }
  /* 0 is a real pids limit for the kernel, but not one systemd takes. */
  if (r && r->pids && r->pids->limit != 0)
    prop_u64 (out, "TasksMax", r->pids->limit < 0 ? SYSTEMD_INFINITY : (uint64_t) r->pids->limit);
  if (r && r->block_io && r->block_io->has_weight && r->block_io->weight)
    prop_u64 (out, in->v2 ? "IOWeight" : "BlockIOWeight",
              in->v2 ? cgroup_blkio_weight_to_io_weight (r->block_io->weight) : r->block_io->weight);
  if (in->rules)
    devices_prop (out, in);
  if (in->create && systemd_props_from_annotations (in->annotations, out, err) < 0)
    {
      systemd_props_free (out);
      return -1;
    }
  return 0;
}
