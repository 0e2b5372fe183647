/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include "core/log.h"
#include "core/utils.h"
#include "caps.h"
#include "confine.h"
#include "host.h"
#include "names.h"

/* `now`: the bounding set before, so that only what is there is dropped;
 * `last`: the highest capability of the running kernel. */
int
caps_drop_bounding (uint64_t keep, uint64_t now, int last, casing_error_t *err)
{
  for (int v = 0; v <= last && v < 64; v++)
    {
      if ((keep & (1ULL << v)) || !(now & (1ULL << v)))
        continue;
      char buf[32];
      if (prctl (PR_CAPBSET_DROP, v, 0, 0, 0) < 0)
        return casing_error_errno (err, "process.capabilities.bounding: drop %s", caps_name_of (v, buf, sizeof buf));
    }
  return 0;
}

#ifdef HAVE_LIBCAP

static void
warn_dropped (const char *set, uint64_t dropped, const char *why)
{
  char buf[32];
  for (int i = 0; i < 64; i++)
    if (dropped & (1ULL << i))
      log_warning ("process.capabilities.%s: %s cannot be granted (%s), skipped", set,
                   caps_name_of (i, buf, sizeof buf), why);
}

static uint64_t
mask_of (cap_t c, cap_flag_t flag)
{
  uint64_t m = 0;
  int last = caps_last_cap ();

  for (int i = 0; i <= last; i++)
    {
      cap_flag_value_t v = CAP_CLEAR;
      if (cap_get_flag (c, i, flag, &v) == 0 && v == CAP_SET)
        m |= 1ULL << i;
    }
  return m;
}

static int
set_proc_masks (uint64_t e, uint64_t p, uint64_t i, casing_error_t *err)
{
  cap_t c = cap_init ();
  int last = caps_last_cap (), r = 0;

  if (c == NULL)
    return casing_error_errno (err, "cap_init");
  for (cap_value_t v = 0; v <= last && r == 0; v++)
    {
      if (e & (1ULL << v))
        r |= cap_set_flag (c, CAP_EFFECTIVE, 1, &v, CAP_SET);
      if (p & (1ULL << v))
        r |= cap_set_flag (c, CAP_PERMITTED, 1, &v, CAP_SET);
      if (i & (1ULL << v))
        r |= cap_set_flag (c, CAP_INHERITABLE, 1, &v, CAP_SET);
    }
  if (r == 0)
    r = cap_set_proc (c);
  if (r != 0)
    {
      int saved = errno;
      cap_free (c);
      return casing_error_set (err, saved, "process.capabilities: capset");
    }
  cap_free (c);
  return 0;
}

static uint64_t
bounding_now (void)
{
  uint64_t m = 0;
  int last = caps_last_cap ();

  for (int v = 0; v <= last; v++)
    if (prctl (PR_CAPBSET_READ, v, 0, 0, 0) > 0)
      m |= 1ULL << v;
  return m;
}

static int
set_ambient (uint64_t ambient, casing_error_t *err)
{
  int last = caps_last_cap ();

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return casing_error_errno (err, "process.capabilities.ambient: clear");
  for (int v = 0; v <= last && v < 64; v++)
    if ((ambient & (1ULL << v)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      {
        /* The config of `runc spec` and Buildah's have ambient without
         * inheritable capabilities: the kernel refuses those, and runc
         * and crun say nothing either.  Not worth a warning per run. */
        char buf[32];
        log_debug ("process.capabilities.ambient: cannot raise %s: %s", caps_name_of (v, buf, sizeof buf),
                   strerror (errno));
      }
  return 0;
}

/* Works whether the uid change already happened (with PR_SET_KEEPCAPS, so
 * only the effective set was lost) or not.  After it the effective set is
 * the whole permitted set again (seccomp(2) may need CAP_SYS_ADMIN) and the
 * bounding set is final. */
int
caps_apply_begin (const oci_capabilities *caps, struct caps_masks *plan, casing_error_t *err)
{
  uint64_t cur_p, cur_i, allowed, bounding;
  cap_t cur;

  if (caps_parse (caps, plan, err) < 0)
    return -1;
  cur = cap_get_proc ();
  if (cur == NULL)
    return casing_error_errno (err, "process.capabilities: cap_get_proc");
  cur_p = mask_of (cur, CAP_PERMITTED);
  cur_i = mask_of (cur, CAP_INHERITABLE);
  cap_free (cur);

  /* Dropping the bounding set needs CAP_SETPCAP in the effective set,
   * which setresuid() to a non-root uid cleared. */
  if (set_proc_masks (cur_p, cur_p, 0, err) < 0)
    return casing_error_prefix (err, "restore the effective set");
  if (caps == NULL)
    {
      /* runc leaves the sets alone when the object is absent; we do too,
       * but never pass on inheritable or ambient capabilities of our own
       * caller (CVE-2022-27650). */
      plan->bounding = bounding_now ();
      plan->effective = plan->permitted = cur_p;
      return 0;
    }
  bounding = bounding_now ();
  if (caps_drop_bounding (plan->bounding, bounding, caps_last_cap (), err) < 0)
    return -1;
  bounding &= plan->bounding;

  /* What we do not hold cannot be granted: warn, do not fail (config.md). */
  warn_dropped ("permitted", plan->permitted & ~cur_p, "casing does not hold it");
  plan->effective &= cur_p;
  plan->permitted &= cur_p;
  /* The kernel keeps effective within permitted; the config may not. */
  warn_dropped ("effective", plan->effective & ~plan->permitted, "not in the permitted set");
  plan->effective &= plan->permitted;
  /* capset(2): with CAP_SETPCAP the inheritable set may take anything in
   * the bounding set, without it only what it or the permitted set had. */
  allowed = (cur_p & (1ULL << CAP_SETPCAP)) ? bounding : (cur_i | cur_p);
  warn_dropped ("inheritable", plan->inheritable & ~allowed, "not in the bounding set");
  plan->inheritable &= allowed;
  return 0;
}

int
caps_apply_end (const struct caps_masks *plan, casing_error_t *err)
{
  if (set_proc_masks (plan->effective, plan->permitted, plan->inheritable, err) < 0)
    return -1;
  if (set_ambient (plan->ambient, err) < 0)
    return -1;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return casing_error_errno (err, "prctl PR_SET_KEEPCAPS");
  return 0;
}

#else /* ! HAVE_LIBCAP */

int
caps_apply_begin (const oci_capabilities *caps, struct caps_masks *plan, casing_error_t *err)
{
  memset (plan, 0, sizeof *plan);
  if (caps == NULL)
    return 0;
  return casing_error_set (err, 0,
                           "capabilities requested by process.capabilities but casing was built without libcap");
}

int
caps_apply_end (const struct caps_masks *plan, casing_error_t *err)
{
  (void) plan;
  (void) err;
  return 0;
}

#endif

int
caps_apply (const oci_capabilities *caps, casing_error_t *err)
{
  struct caps_masks plan;

  if (caps_apply_begin (caps, &plan, err) < 0)
    return -1;
  return caps_apply_end (&plan, err);
}

bool
host_has_effective_cap (int cap)
{
  struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct d[2];

  memset (d, 0, sizeof d);
  if (cap < 0 || cap > 63 || syscall (SYS_capget, &h, d) < 0)
    return false;
  return (d[cap / 32].effective >> (cap % 32)) & 1;
}
