/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>
#endif

#include "../utils.h"
#include "lsm.h"

/* The write aa_change_onexec() does, made here so that it goes through a
 * verified procfs handle (CVE-2025-52881 redirected exactly this write). */
int
apparmor_exec_write (const struct lsm_host *host, const char *profile, struct lsm_write *out, casing_error_t *err)
{
  out->path = NULL;
  out->data = NULL;
  if (profile == NULL)
    return 0;
  if (profile[0] == '\0')
    return casing_error_set (err, 0, "process.apparmorProfile: empty profile name");
  /* Nothing to confine when the profile asks for none. */
  if (strcmp (profile, "unconfined") == 0 && ! (host->apparmor_built && host->apparmor_enabled))
    return 0;
  if (! host->apparmor_built)
    return casing_error_set (err, 0,
                             "AppArmor profile \"%s\" requested by process.apparmorProfile but casing was built "
                             "without libapparmor",
                             profile);
  if (! host->apparmor_enabled)
    return casing_error_set (err, 0,
                             "process.apparmorProfile: AppArmor is not enabled on this host, cannot apply profile \"%s\"",
                             profile);
  /* With LSM stacking (5.8+) each LSM has its own attr directory; the
   * shared attr/exec may belong to another LSM. */
  out->path = host->apparmor_attr_dir ? "thread-self/attr/apparmor/exec" : "thread-self/attr/exec";
  xasprintf (&out->data, "exec %s", profile);
  return 0;
}

bool
apparmor_host_enabled (void)
{
#ifdef HAVE_APPARMOR
  return aa_is_enabled () == 1;
#else
  return false;
#endif
}
