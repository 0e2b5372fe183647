/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `process`: user ids, capability and rlimit names, LSM labels.
 * The name tables are the ones the confinement code applies (src/confine/),
 * so `check` and `create` cannot disagree. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "confine/caps.h"
#include "confine/confine.h"
#include "core/utils.h"
#include "validate_checks.h"

/* setresuid(2), setresgid(2) and setgroups(2) read (uid_t)-1, 4294967295,
 * as "leave this id unchanged": such a uid would keep the process root.
 * Ids above INT32_MAX are negative wherever the kernel or a tool reads them
 * as signed, so the whole upper half is refused. */
#define VALIDATE_ID_MAX 2147483647u

static void
validate_id (uint32_t id, const char *path, struct problem_list *out)
{
  if (id > VALIDATE_ID_MAX)
    problems_add (out, PROBLEM_ERROR, path,
                  "4294967295 would read as \"unchanged\" to setresuid(2)",
                  "%" PRIu32 " is out of range: ids go from 0 to %u", id, VALIDATE_ID_MAX);
}

void
validate_user (const oci_user *u, struct problem_list *out)
{
  if (u == NULL)
    return;
  if (u->has_uid)
    validate_id (u->uid, "process.user.uid", out);
  if (u->has_gid)
    validate_id (u->gid, "process.user.gid", out);
  for (size_t i = 0; i < u->additional_gids_len; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "process.user.additionalGids[%zu]", i);
      validate_id (u->additional_gids[i], path, out);
    }
}

void
validate_rlimits (const oci_process *p, struct problem_list *out)
{
  bool seen[RLIM_NLIMITS] = { false };

  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      char path[64];
      int r = rlimit_from_name (p->rlimits[i].type);
      snprintf (path, sizeof path, "process.rlimits[%zu]", i);
      if (r < 0)
        problems_add (out, PROBLEM_ERROR, path, "known: RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE...",
                      "unknown rlimit \"%s\"", p->rlimits[i].type);
      else if (r < RLIM_NLIMITS && seen[r])
        problems_add (out, PROBLEM_ERROR, path, NULL, "rlimit \"%s\" given twice",
                      p->rlimits[i].type);
      else if (r < RLIM_NLIMITS)
        seen[r] = true;
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        problems_add (out, PROBLEM_ERROR, path, NULL, "soft limit is above the hard limit");
    }
}

static void
validate_cap_set (char **names, size_t n, const char *set, struct problem_list *out)
{
  int last = caps_last_cap ();

  for (size_t i = 0; i < n; i++)
    {
      char path[80];
      int v = cap_from_name_strict (names[i]);

      snprintf (path, sizeof path, "process.capabilities.%s[%zu]", set, i);
      if (v < 0)
        problems_add (out, PROBLEM_ERROR, path, "names look like CAP_NET_ADMIN",
                      "unknown capability \"%s\"", names[i]);
      else if (v > last)
        problems_add (out, PROBLEM_WARNING, path, "it will be skipped",
                      "capability \"%s\" is not known to the running kernel", names[i]);
    }
}

void
validate_capabilities (const oci_capabilities *caps, struct problem_list *out)
{
  if (caps == NULL)
    return;
  validate_cap_set (caps->bounding, caps->bounding_len, "bounding", out);
  validate_cap_set (caps->effective, caps->effective_len, "effective", out);
  validate_cap_set (caps->inheritable, caps->inheritable_len, "inheritable", out);
  validate_cap_set (caps->permitted, caps->permitted_len, "permitted", out);
  validate_cap_set (caps->ambient, caps->ambient_len, "ambient", out);
}

void
validate_lsm (const oci_config *c, struct problem_list *out)
{
  const char *profile = c->process ? c->process->apparmor_profile : NULL;
  const char *label = c->process ? c->process->selinux_label : NULL;
  const char *mount_label = c->linux_ ? c->linux_->mount_label : NULL;
  bool selinux_on = selinux_host_enabled ();

  if (profile && *profile && strcmp (profile, "unconfined") != 0)
    {
#ifndef HAVE_APPARMOR
      problems_add (out, PROBLEM_ERROR, "process.apparmorProfile", "rebuild with --enable-apparmor",
                    "casing was built without AppArmor support");
#else
      if (!apparmor_host_enabled ())
        problems_add (out, PROBLEM_ERROR, "process.apparmorProfile",
                      "remove the profile or run on a host with AppArmor",
                      "AppArmor is not enabled on this host");
#endif
    }
  if (!selinux_label_known (label))
    problems_add (out, PROBLEM_ERROR, "process.selinuxLabel", "see `seinfo -t` for the types of the policy",
                  "`%s` is not a valid SELinux context in the loaded policy", label);
  if (!selinux_label_known (mount_label))
    problems_add (out, PROBLEM_ERROR, "linux.mountLabel", "see `seinfo -t` for the types of the policy",
                  "`%s` is not a valid SELinux context in the loaded policy", mount_label);
  /* As runc does: labels are ignored when SELinux is off. */
  if (label && *label && !selinux_on)
    problems_add (out, PROBLEM_WARNING, "process.selinuxLabel", NULL,
                  "ignored: SELinux is not enabled on this host");
  if (mount_label && *mount_label && !selinux_on)
    problems_add (out, PROBLEM_WARNING, "linux.mountLabel", NULL,
                  "ignored: SELinux is not enabled on this host");
}
