/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.personality: the execution domain (LINUX32 makes uname say i686).
 * The validation refused flags: the spec defines none yet. */
#include <errno.h>
#include <sys/personality.h>

#include "isolation_internal.h"

/* By the spec's names (oci_personality_domains). */
static const unsigned long domains[OCI_PER_COUNT] = {
  [OCI_PER_LINUX] = PER_LINUX,
  [OCI_PER_LINUX32] = PER_LINUX32,
};

int
personality_apply (const oci_config *config, casing_error_t *err)
{
  const oci_personality *p = config->linux_ ? config->linux_->personality : NULL;
  int d;

  if (p == NULL)
    return 0;
  d = oci_name_index (oci_personality_domains, p->domain);
  if (d < 0)
    return casing_error_set (err, EINVAL, "linux.personality.domain: `%s` is not a domain",
                             p->domain ? p->domain : "");
  if (personality (domains[d]) < 0)
    return casing_error_errno (err, "linux.personality: set domain `%s`", p->domain);
  return 0;
}
