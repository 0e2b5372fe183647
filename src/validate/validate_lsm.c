/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AppArmor and SELinux: the decisions are the ones src/confine/ applies
 * (lsm.h, over the same description of the host); what they cannot tell,
 * whether the profile is loaded and the label known to the policy, is
 * asked of the host here. */
#include <string.h>

#include "confine/host.h"
#include "confine/lsm.h"
#include "core/utils.h"
#include "validate_checks.h"

static void
check_apparmor (const char *profile, const struct lsm_host *host, struct problem_list *out)
{
  cleanup_casing_error casing_error_t err = NULL;
  struct lsm_write w;

  if (profile == NULL)
    return;
  if (apparmor_exec_write (host, profile, &w, &err) < 0)
    {
      problems_add_error (out, "process.apparmorProfile", "leave it out, or run on a host with AppArmor", err);
      return;
    }
  /* The kernel answers ENOENT at `start` for a profile not loaded;
   * "unconfined" is no profile of the list. */
  if (w.data && strcmp (profile, "unconfined") != 0 && apparmor_profile_loaded (profile) == 0)
    problems_add (out, PROBLEM_ERROR, "process.apparmorProfile", "load it with apparmor_parser",
                  "profile \"%s\" is not loaded", profile);
  lsm_write_release (&w);
}

static void
check_label (const char *label, const char *path, const struct lsm_host *host, struct problem_list *out)
{
  cleanup_casing_error casing_error_t err = NULL;
  struct lsm_write w;

  if (label == NULL || label[0] == '\0')
    return;
  /* As runc does: labels are ignored when SELinux is off. */
  if (!host->selinux_enabled)
    {
      problems_add (out, PROBLEM_WARNING, path, NULL, "ignored: SELinux is not enabled on this host");
      return;
    }
  if (selinux_exec_write (host, label, &w, &err) < 0)
    problems_add_error (out, path, NULL, err);
  else if (!selinux_label_known (label))
    problems_add (out, PROBLEM_ERROR, path, "see `seinfo -t` for the types of the policy",
                  "`%s` is not a valid SELinux context in the loaded policy", label);
  lsm_write_release (&w);
}

void
validate_lsm (const oci_config *c, struct problem_list *out)
{
  const struct lsm_host *host = lsm_host_probe ();

  if (c->process)
    {
      check_apparmor (c->process->apparmor_profile, host, out);
      check_label (c->process->selinux_label, "process.selinuxLabel", host, out);
    }
  if (c->linux_)
    check_label (c->linux_->mount_label, "linux.mountLabel", host, out);
}
