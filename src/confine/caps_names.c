/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one capability table, kept here rather than taken from libcap so
 * that the validation, `casing features` and caps.c give the same answer,
 * in a build without libcap too. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utils.h"
#include "caps.h"
#include "host.h"
#include "names.h"

static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
  "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
  "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
  "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE", NULL,
};

#define N_CAP_NAMES ((int) (sizeof cap_names / sizeof cap_names[0]) - 1)

const char *const *
caps_known_names (void)
{
  return cap_names;
}

int
caps_value_of (const char *name)
{
  for (int i = 0; i < N_CAP_NAMES; i++)
    if (strcmp (cap_names[i], name) == 0)
      return i;
  return -1;
}

/* The name of capability `v`, or "capability N" (in `buf`) for one the
 * running kernel knows and our table does not: cap_last_cap may be above
 * the last name we have. */
const char *
caps_name_of (int v, char *buf, size_t len)
{
  if (v >= 0 && v < N_CAP_NAMES)
    return cap_names[v];
  snprintf (buf, len, "capability %d", v);
  return buf;
}

int
caps_last_cap (void)
{
  static int cached = -1;
  cleanup_free char *buf = NULL;
  int64_t v;

  if (cached >= 0)
    return cached;
  /* Read-only and not security relevant: a plain read is enough, and it
   * is done once, on the host, before anything of the container exists. */
  if (read_all_file ("/proc/sys/kernel/cap_last_cap", &buf, NULL, NULL) == 0)
    {
      buf[strcspn (buf, "\n")] = '\0';
      if (parse_int64 (buf, &v) == 0 && v >= 0 && v < 64)
        cached = (int) v;
    }
  if (cached < 0)
    cached = N_CAP_NAMES - 1;
  return cached;
}

static void
parse_set (const char *set, char **names, size_t n, uint64_t *mask)
{
  int last = caps_last_cap ();

  *mask = 0;
  for (size_t i = 0; i < n; i++)
    {
      int v = caps_value_of (names[i]);
      /* The validation warned about the names we do not know and those
       * the kernel lacks: skipped, they can only take away. */
      if (v < 0 || v > last)
        {
          log_debug ("process.capabilities.%s: %s is not known to %s, skipped", set, names[i],
                     v < 0 ? "casing" : "the running kernel");
          continue;
        }
      *mask |= 1ULL << v;
    }
}

int
caps_parse (const oci_capabilities *caps, struct caps_masks *out, casing_error_t *err)
{
  (void) err; /* nothing to refuse any more: unknown names are skipped */
  memset (out, 0, sizeof *out);
  if (caps == NULL)
    return 0;
  parse_set ("bounding", caps->bounding, caps->bounding_len, &out->bounding);
  parse_set ("effective", caps->effective, caps->effective_len, &out->effective);
  parse_set ("inheritable", caps->inheritable, caps->inheritable_len, &out->inheritable);
  parse_set ("permitted", caps->permitted, caps->permitted_len, &out->permitted);
  parse_set ("ambient", caps->ambient, caps->ambient_len, &out->ambient);
  return 0;
}
