/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `mounts` and on seccomp names. */
#include <stdio.h>
#include <string.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "core/utils.h"
#include "validate_checks.h"

void
validate_mounts (const oci_config *c, struct problem_list *out)
{
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      const oci_mount *m = &c->mounts[i];
      char path[64];

      snprintf (path, sizeof path, "mounts[%zu].destination", i);
      if (m->destination[0] != '/')
        problems_add (out, PROBLEM_WARNING, path, "it is taken relative to the container's /",
                      "\"%s\" is not absolute", m->destination);
      snprintf (path, sizeof path, "mounts[%zu]", i);
      if ((m->uid_mappings != NULL) != (m->gid_mappings != NULL))
        problems_add (out, PROBLEM_ERROR, path, NULL,
                      "an idmapped mount needs both uidMappings and gidMappings");
    }
}

#ifdef HAVE_SECCOMP
static void
check_arch (const char *arch, size_t i, struct problem_list *out)
{
  char path[64];
  cleanup_free char *lower = xstrdup (arch + (strncmp (arch, "SCMP_ARCH_", 10) == 0 ? 10 : 0));

  for (char *p = lower; *p; p++)
    *p = (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p;
  snprintf (path, sizeof path, "linux.seccomp.architectures[%zu]", i);
  if (seccomp_arch_resolve_name (lower) == 0)
    problems_add (out, PROBLEM_ERROR, path, NULL, "architecture \"%s\" is unknown to libseccomp", arch);
}
#endif

void
validate_seccomp (const oci_seccomp *s, struct problem_list *out)
{
#ifdef HAVE_SECCOMP
  for (size_t i = 0; i < s->architectures_len; i++)
    check_arch (s->architectures[i], i, out);
  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t j = 0; j < s->syscalls[i].names_len; j++)
      if (seccomp_syscall_resolve_name (s->syscalls[i].names[j]) == __NR_SCMP_ERROR)
        {
          char path[80];
          snprintf (path, sizeof path, "linux.seccomp.syscalls[%zu].names[%zu]", i, j);
          problems_add (out, PROBLEM_WARNING, path, "the rule is skipped for it, as crun does",
                        "syscall \"%s\" is unknown to libseccomp", s->syscalls[i].names[j]);
        }
#else
  (void) s;
  problems_add (out, PROBLEM_ERROR, "linux.seccomp", "rebuild with --enable-seccomp",
                "casing was built without libseccomp");
#endif
}
