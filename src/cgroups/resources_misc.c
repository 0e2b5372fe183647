/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The smaller controllers: pids, hugetlb, net_cls/net_prio, rdma, and the
 * free-form linux.resources.unified map. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "conversions.h"
#include "core/utils.h"

int
cgroup_apply_pids (struct cgroup_manager *m, const oci_pids *p, casing_error_t *err)
{
  char buf[32];
  if (p == NULL)
    return 0;
  /* 0 is a real limit for the kernel (no new task at all); only a negative
   * value means unlimited. */
  if (p->limit < 0)
    snprintf (buf, sizeof buf, "max");
  else
    snprintf (buf, sizeof buf, "%" PRId64, p->limit);
  if (cgroup_write (m, "pids", "pids.max", buf, err) < 0)
    return casing_error_prefix (err, "linux.resources.pids.limit");
  return 0;
}

static int
hugetlb_one (struct cgroup_dir *d, const oci_hugepage_limit *l, size_t i, casing_error_t *err)
{
  char file[96], rsvd[96], value[32];
  uint64_t bytes;
  bool v2 = cgroup_dir_is_v2 (d);

  if (cgroup_hugepage_size_parse (l->page_size, &bytes) < 0)
    return casing_error_set (err, EINVAL, "linux.resources.hugepageLimits[%zu].pageSize: `%s` is not <size>KB|MB|GB",
                             i, l->page_size ? l->page_size : "");
  snprintf (file, sizeof file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", l->page_size);
  snprintf (rsvd, sizeof rsvd, v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes", l->page_size);
  snprintf (value, sizeof value, "%" PRIu64, l->limit);
  if (!cgroup_dir_has_file (d, file))
    return casing_error_set (err, ENOTSUP, "linux.resources.hugepageLimits[%zu].pageSize: %s pages are not supported by this host", i,
                             l->page_size);
  if (cgroup_dir_write (d, file, value, err) < 0)
    return casing_error_prefix (err, "linux.resources.hugepageLimits[%zu]", i);
  /* The reservation limit (Linux 5.7) is the one the spec prefers: it fails
   * mmap() instead of sending SIGBUS at fault time.  Set both. */
  if (cgroup_dir_has_file (d, rsvd) && cgroup_dir_write (d, rsvd, value, err) < 0)
    return casing_error_prefix (err, "linux.resources.hugepageLimits[%zu]", i);
  return 0;
}

int
cgroup_apply_hugetlb (struct cgroup_manager *m, const oci_hugepage_limit *l, size_t n, casing_error_t *err)
{
  if (n == 0)
    return 0;
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "hugetlb");
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, "linux.resources.hugepageLimits: the hugetlb controller is not available on this host");
  for (size_t i = 0; i < n; i++)
    if (hugetlb_one (d, &l[i], i, err) < 0)
      return -1;
  return 0;
}

int
cgroup_apply_network (struct cgroup_manager *m, const oci_network *net, casing_error_t *err)
{
  char buf[300];
  if (net == NULL)
    return 0;
  if (net->has_class_id)
    {
      snprintf (buf, sizeof buf, "%" PRIu32, net->class_id);
      if (cgroup_write (m, "net_cls", "net_cls.classid", buf, err) < 0)
        return casing_error_prefix (err, "linux.resources.network.classID");
    }
  for (size_t i = 0; i < net->priorities_len; i++)
    {
      snprintf (buf, sizeof buf, "%s %" PRIu32, net->priorities[i].name, net->priorities[i].priority);
      if (cgroup_write (m, "net_prio", "net_prio.ifpriomap", buf, err) < 0)
        return casing_error_prefix (err, "linux.resources.network.priorities[%zu]", i);
    }
  return 0;
}

/* Only the fields that are set: the kernel keeps the limit of a field a
 * rdma.max line does not name, so an update of one keeps the other. */
int
cgroup_apply_rdma (struct cgroup_manager *m, const oci_rdma *r, size_t n, casing_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      char handles[40] = "", objects[40] = "";
      cleanup_free char *line = NULL;
      if (!r[i].has_hca_handles && !r[i].has_hca_objects)
        continue;
      if (r[i].has_hca_handles)
        snprintf (handles, sizeof handles, " hca_handle=%" PRIu32, r[i].hca_handles);
      if (r[i].has_hca_objects)
        snprintf (objects, sizeof objects, " hca_object=%" PRIu32, r[i].hca_objects);
      xasprintf (&line, "%s%s%s", r[i].key, handles, objects);
      if (cgroup_write (m, "rdma", "rdma.max", line, err) < 0)
        return casing_error_prefix (err, "linux.resources.rdma.%s", r[i].key);
    }
  return 0;
}

/* "memory.high" -> "memory"; the cgroup.* core files have no controller. */
static int
unified_controller (const char *key, char *ctrl, size_t len, casing_error_t *err)
{
  const char *dot = strchr (key, '.');
  if (dot == NULL || dot == key || strchr (key, '/') || strcmp (key, ".") == 0 || strstr (key, ".."))
    return casing_error_set (err, EINVAL, "linux.resources.unified.%s: not a cgroup file name", key);
  snprintf (ctrl, len, "%.*s", (int) (dot - key), key);
  return 0;
}

static int
unified_one (struct cgroup_manager *m, const oci_kv *kv, casing_error_t *err)
{
  char ctrl[64];
  cleanup_free char *enabled = NULL;
  struct cgroup_dir *d = cgroup_manager_v2_dir (m);

  if (unified_controller (kv->key, ctrl, sizeof ctrl, err) < 0)
    return -1;
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, "linux.resources.unified.%s: the host has no cgroup v2", kv->key);
  if (strcmp (ctrl, "cgroup") != 0)
    {
      /* Hybrid: only a controller the host gave to cgroup2 maps cleanly. */
      if (cgroup_dir_read (d, "cgroup.controllers", &enabled, err) < 0)
        return -1;
      char *save = NULL;
      bool found = false;
      for (char *c = strtok_r (enabled, " \n", &save); c && !found; c = strtok_r (NULL, " \n", &save))
        found = strcmp (c, ctrl) == 0;
      if (!found)
        return casing_error_set (err, ENOTSUP,
                                 "linux.resources.unified.%s: the %s controller is not enabled in cgroup v2 here%s",
                                 kv->key, ctrl, m->host.mode == CGROUP_MODE_HYBRID ? " (it is a v1 controller on this host)" : "");
    }
  if (cgroup_dir_write (d, kv->key, kv->value ? kv->value : "", err) < 0)
    return casing_error_prefix (err, "linux.resources.unified.%s", kv->key);
  return 0;
}

int
cgroup_apply_unified (struct cgroup_manager *m, const oci_map *u, casing_error_t *err)
{
  if (u == NULL)
    return 0;
  for (size_t i = 0; i < u->len; i++)
    if (unified_one (m, &u->items[i], err) < 0)
      return -1;
  return 0;
}
