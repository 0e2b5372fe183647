/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A new time namespace with the configured clock offsets.  unshare()
 * puts only the caller's future children in it, and the offsets must be
 * written before any process enters it (time_namespaces(7)). */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "isolation_internal.h"
#include "core/procfs.h"
#include "core/utils.h"

static void
append_offset (char **buf, const char *clock, const oci_time_offset *o)
{
  char *n;
  if (o == NULL)
    return;
  xasprintf (&n, "%s%s %lld %u\n", *buf ? *buf : "", clock,
             (long long) (o->has_secs ? o->secs : 0), o->has_nanosecs ? o->nanosecs : 0);
  free (*buf);
  *buf = n;
}

char *
timens_format_offsets (const oci_time_offsets *t)
{
  char *buf = NULL;
  if (t == NULL)
    return NULL;
  append_offset (&buf, "monotonic", t->monotonic);
  append_offset (&buf, "boottime", t->boottime);
  return buf;
}

int
timens_create (const oci_config *config, casing_error_t *err)
{
  cleanup_free char *offsets = timens_format_offsets (config->linux_->time_offsets);

  if (unshare (CLONE_NEWTIME) < 0)
    return casing_error_errno (err, "create the time namespace");
  if (offsets && procfs_write_verified ("self/timens_offsets", offsets, strlen (offsets), err) < 0)
    return casing_error_prefix (err, "linux.timeOffsets");
  return 0;
}
