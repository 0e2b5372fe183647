/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostname and domainname: only in a UTS namespace of the container's own,
 * never the host's (config.md).  The validation refused them without a uts
 * namespace, or with one that is the runtime's by its path; here the check
 * is on the namespace the child is really in. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "isolation_internal.h"

int
uts_apply (const oci_config *config, casing_error_t *err)
{
  /* A uts namespace joined by path may be the runtime's own: the host's
   * name.  Told by identity, in the namespace we are in now. */
  if (config->hostname || config->domainname)
    {
      int own = namespace_is_runtimes ("uts", err);
      if (own < 0)
        return casing_error_prefix (err, "%s", config->hostname ? "hostname" : "domainname");
      if (own)
        return casing_error_set (err, EPERM, "%s: the container is in the runtime's own uts namespace (the host's): "
                                 "refusing to rename the host", config->hostname ? "hostname" : "domainname");
    }
  if (config->hostname && sethostname (config->hostname, strlen (config->hostname)) < 0)
    return casing_error_errno (err, "hostname: set `%s`", config->hostname);
  if (config->domainname && setdomainname (config->domainname, strlen (config->domainname)) < 0)
    return casing_error_errno (err, "domainname: set `%s`", config->domainname);
  return 0;
}
