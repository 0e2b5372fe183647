/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `process`: capability and rlimit names, LSM labels. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif
#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>
#endif
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "utils.h"
#include "validate_checks.h"

static const struct
{
  const char *name;
  int resource;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int
rlimit_resource_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
    if (strcmp (rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -1;
}

void
validate_rlimits (const oci_process *p, struct problem_list *out)
{
  bool seen[RLIM_NLIMITS] = { false };

  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      char path[64];
      int r = rlimit_resource_from_name (p->rlimits[i].type);
      snprintf (path, sizeof path, "process.rlimits[%zu]", i);
      if (r < 0)
        problems_add (out, PROBLEM_ERROR, path, "known: RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE...",
                      "unknown rlimit \"%s\"", p->rlimits[i].type);
      else if (seen[r])
        problems_add (out, PROBLEM_ERROR, path, NULL, "rlimit \"%s\" given twice",
                      p->rlimits[i].type);
      else
        seen[r] = true;
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        problems_add (out, PROBLEM_ERROR, path, NULL, "soft limit is above the hard limit");
    }
}

#ifdef HAVE_LIBCAP
static void
validate_cap_set (char **names, size_t n, const char *set, struct problem_list *out)
{
  int last = cap_max_bits () - 1;

  for (size_t i = 0; i < n; i++)
    {
      char path[80];
      cap_value_t v;
      cleanup_free char *lower = xstrdup (names[i]);

      snprintf (path, sizeof path, "process.capabilities.%s[%zu]", set, i);
      for (char *p = lower; *p; p++)
        *p = tolower ((unsigned char) *p);
      if (strncmp (lower, "cap_", 4) != 0 || cap_from_name (lower, &v) < 0)
        problems_add (out, PROBLEM_ERROR, path, "names look like CAP_NET_ADMIN",
                      "unknown capability \"%s\"", names[i]);
      else if (v > last)
        problems_add (out, PROBLEM_WARNING, path, "it will be skipped",
                      "capability \"%s\" is not known to the running kernel", names[i]);
    }
}
#endif

void
validate_capabilities (const oci_capabilities *caps, struct problem_list *out)
{
  if (caps == NULL)
    return;
#ifdef HAVE_LIBCAP
  validate_cap_set (caps->bounding, caps->bounding_len, "bounding", out);
  validate_cap_set (caps->effective, caps->effective_len, "effective", out);
  validate_cap_set (caps->inheritable, caps->inheritable_len, "inheritable", out);
  validate_cap_set (caps->permitted, caps->permitted_len, "permitted", out);
  validate_cap_set (caps->ambient, caps->ambient_len, "ambient", out);
#else
  problems_add (out, PROBLEM_ERROR, "process.capabilities", "rebuild with --enable-libcap",
                "casing was built without libcap");
#endif
}

static bool
apparmor_enabled (void)
{
#ifdef HAVE_APPARMOR
  return aa_is_enabled () == 1;
#else
  return false;
#endif
}

void
validate_lsm (const oci_config *c, struct problem_list *out)
{
  const char *profile = c->process ? c->process->apparmor_profile : NULL;
  const char *label = c->process ? c->process->selinux_label : NULL;
  const char *mount_label = c->linux_ ? c->linux_->mount_label : NULL;
  bool selinux_on = false;

  if (profile && *profile && strcmp (profile, "unconfined") != 0)
    {
#ifndef HAVE_APPARMOR
      problems_add (out, PROBLEM_ERROR, "process.apparmorProfile", "rebuild with --enable-apparmor",
                    "casing was built without AppArmor support");
#else
      if (!apparmor_enabled ())
        problems_add (out, PROBLEM_ERROR, "process.apparmorProfile",
                      "remove the profile or run on a host with AppArmor",
                      "AppArmor is not enabled on this host");
#endif
    }
#ifdef HAVE_SELINUX
  selinux_on = is_selinux_enabled () == 1;
#endif
  /* As runc does: labels are ignored when SELinux is off. */
  if (label && *label && !selinux_on)
    problems_add (out, PROBLEM_WARNING, "process.selinuxLabel", NULL,
                  "ignored: SELinux is not enabled on this host");
  if (mount_label && *mount_label && !selinux_on)
    problems_add (out, PROBLEM_WARNING, "linux.mountLabel", NULL,
                  "ignored: SELinux is not enabled on this host");
}
