/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.personality: the execution domain (LINUX32 makes uname say i686). */
#include <errno.h>
#include <string.h>
#include <sys/personality.h>

#include "isolation_internal.h"

int
personality_domain_parse (const char *domain, unsigned long *out)
{
  if (domain == NULL)
    return -1;
  if (strcmp (domain, "LINUX") == 0)
    *out = PER_LINUX;
  else if (strcmp (domain, "LINUX32") == 0)
    *out = PER_LINUX32;
  else
    return -1;
  return 0;
}

int
personality_apply (const oci_config *config, casing_error_t *err)
{
  const oci_personality *p = config->linux_ ? config->linux_->personality : NULL;
  unsigned long persona;

  if (p == NULL)
    return 0;
  if (personality_domain_parse (p->domain, &persona) < 0)
    return casing_error_set (err, EINVAL, "linux.personality.domain: unknown domain `%s`",
                             p->domain ? p->domain : "");
  /* The spec defines no flag yet: refuse rather than silently ignore. */
  if (p->flags_len > 0)
    return casing_error_set (err, EINVAL, "linux.personality.flags[0]: flag `%s` is not supported",
                             p->flags[0]);
  if (personality (persona) < 0)
    return casing_error_errno (err, "linux.personality: set domain `%s`", p->domain);
  return 0;
}
