/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.blockIO: v1 blkio.* or v2 io.weight / io.bfq.weight /
 * io.max.  Weights need a scheduler that implements them (BFQ, CFQ): the
 * files are missing otherwise and the error says so. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "conversions.h"
#include "core/log.h"
#include "core/utils.h"

#define FIELD "linux.resources.blockIO"

/* The first of `files` the kernel has. */
static const char *
pick (struct cgroup_dir *d, const char *a, const char *b)
{
  if (cgroup_dir_has_file (d, a))
    return a;
  if (b && cgroup_dir_has_file (d, b))
    return b;
  return NULL;
}

static int
write_weight (struct cgroup_dir *d, const char *field, const char *a, const char *b, const char *value,
              casing_error_t *err)
{
  const char *file = pick (d, a, b);
  if (file == NULL)
    return casing_error_set (err, ENOTSUP, FIELD ".%s: no I/O scheduler with weights (BFQ) is active", field);
  if (cgroup_dir_write (d, file, value, err) < 0)
    return casing_error_prefix (err, FIELD ".%s", field);
  return 0;
}

static int
v1_weights (struct cgroup_dir *d, const oci_blkio *b, casing_error_t *err)
{
  char buf[64];
  if (b->has_weight && b->weight)
    {
      snprintf (buf, sizeof buf, "%u", b->weight);
      if (write_weight (d, "weight", "blkio.weight", "blkio.bfq.weight", buf, err) < 0)
        return -1;
    }
  if (b->has_leaf_weight && b->leaf_weight)
    {
      snprintf (buf, sizeof buf, "%u", b->leaf_weight);
      if (write_weight (d, "leafWeight", "blkio.leaf_weight", NULL, buf, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_blkio_weight_device *w = &b->weight_device[i];
      if (w->has_weight)
        {
          snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight);
          if (write_weight (d, "weightDevice", "blkio.weight_device", "blkio.bfq.weight_device", buf, err) < 0)
            return -1;
        }
      if (w->has_leaf_weight)
        {
          snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->leaf_weight);
          if (write_weight (d, "weightDevice", "blkio.leaf_weight_device", NULL, buf, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
v2_weights (struct cgroup_dir *d, const oci_blkio *b, casing_error_t *err)
{
  char buf[64];
  /* io.bfq.weight takes the blkio scale (1..1000) as is; io.weight has
   * its own (1..10000). */
  bool bfq = cgroup_dir_has_file (d, "io.bfq.weight");
  if (b->has_weight && b->weight)
    {
      if (bfq)
        snprintf (buf, sizeof buf, "%u", b->weight);
      else
        snprintf (buf, sizeof buf, "default %" PRIu64, cgroup_blkio_weight_to_io_weight (b->weight));
      if (write_weight (d, "weight", bfq ? "io.bfq.weight" : "io.weight", NULL, buf, err) < 0)
        return -1;
    }
  if ((b->has_leaf_weight && b->leaf_weight))
    log_warning (FIELD ".leafWeight: not supported on cgroup v2, ignored");
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_blkio_weight_device *w = &b->weight_device[i];
      if (w->has_leaf_weight)
        log_warning (FIELD ".weightDevice[%zu].leafWeight: not supported on cgroup v2, ignored", i);
      if (!w->has_weight)
        continue;
      snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
                bfq ? (uint64_t) w->weight : cgroup_blkio_weight_to_io_weight (w->weight));
      if (write_weight (d, "weightDevice", bfq ? "io.bfq.weight" : "io.weight", NULL, buf, err) < 0)
        return -1;
    }
  return 0;
}

static const char *const throttle_fields[] = {
  "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice",
};

static int
throttle (struct cgroup_dir *d, enum cgroup_throttle kind, const oci_blkio_throttle_device *t, size_t n,
          casing_error_t *err)
{
  char buf[96];
  for (size_t i = 0; i < n; i++)
    {
      const char *file;
      uint64_t rate = t[i].has_rate ? t[i].rate : 0;
      if (cgroup_dir_is_v2 (d))
        {
          file = "io.max";
          cgroup_io_max_line (kind, t[i].major, t[i].minor, rate, buf, sizeof buf);
        }
      else
        {
          file = cgroup_blkio_throttle_file (kind);
          snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor, rate);
        }
      if (cgroup_dir_write (d, file, buf, err) < 0)
        return casing_error_prefix (err, FIELD ".%s[%zu]", throttle_fields[kind], i);
    }
  return 0;
}

int
cgroup_apply_blkio (struct cgroup_manager *m, const oci_blkio *b, casing_error_t *err)
{
  if (b == NULL)
    return 0;
  struct cgroup_dir *d = cgroup_manager_dir_for (m, cgroup_manager_dir_for (m, "blkio") ? "blkio" : "io");
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, FIELD ": the blkio/io controller is not available on this host");
  if ((cgroup_dir_is_v2 (d) ? v2_weights (d, b, err) : v1_weights (d, b, err)) < 0)
    return -1;
  if (throttle (d, CGROUP_THROTTLE_READ_BPS, b->throttle_read_bps_device, b->throttle_read_bps_device_len, err) < 0
      || throttle (d, CGROUP_THROTTLE_WRITE_BPS, b->throttle_write_bps_device, b->throttle_write_bps_device_len, err)
             < 0
      || throttle (d, CGROUP_THROTTLE_READ_IOPS, b->throttle_read_iops_device, b->throttle_read_iops_device_len, err)
             < 0
      || throttle (d, CGROUP_THROTTLE_WRITE_IOPS, b->throttle_write_iops_device,
                   b->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}
