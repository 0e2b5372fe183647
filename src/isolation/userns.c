/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uid_map / gid_map of the container's new user namespace, written by the
 * parent once the child exists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/procfs.h"
#include "core/utils.h"

char *
idmap_format (const oci_id_mapping *m, size_t n)
{
  char *buf = xmalloc0 (n * 36 + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++)
    o += sprintf (buf + o, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  return buf;
}

/* Writing gid_map without CAP_SETGID in the parent user namespace is only
 * allowed once setgroups is denied (user_namespaces(7)); root keeps
 * setgroups usable inside the container. */
static bool
may_write_gid_map_freely (void)
{
#ifdef HAVE_LIBCAP
  cap_t caps = cap_get_proc ();
  cap_flag_value_t v = CAP_CLEAR;
  if (caps)
    {
      cap_get_flag (caps, CAP_SETGID, CAP_EFFECTIVE, &v);
      cap_free (caps);
    }
  return v == CAP_SET;
#else
  return geteuid () == 0;
#endif
}

static int
write_map (pid_t pid, const char *file, const oci_id_mapping *m, size_t n, casing_error_t *err)
{
  cleanup_free char *data = idmap_format (m, n);
  char sub[64];
  snprintf (sub, sizeof sub, "%d/%s", (int) pid, file);
  if (procfs_write_verified (sub, data, strlen (data), err) < 0)
    return casing_error_prefix (err, "linux.%s", strcmp (file, "uid_map") == 0 ? "uidMappings" : "gidMappings");
  return 0;
}

bool
userns_denies_setgroups (const oci_config *config)
{
  const oci_namespace *u = config_get_namespace (config, "user");

  return u && u->path == NULL && config->linux_->gid_mappings_len > 0 && ! may_write_gid_map_freely ();
}

int
userns_write_mappings (pid_t pid, const oci_config *config, casing_error_t *err)
{
  const oci_linux *l = config->linux_;
  char sub[64];

  const oci_namespace *u = config_get_namespace (config, "user");

  /* A joined user namespace already has its mappings (they can be written
   * only once). */
  if (u == NULL || u->path != NULL)
    return 0;
  if (l == NULL || (l->uid_mappings_len == 0 && l->gid_mappings_len == 0))
    return 0;
  if (userns_denies_setgroups (config))
    {
      snprintf (sub, sizeof sub, "%d/setgroups", (int) pid);
      if (procfs_write_verified (sub, "deny", 4, err) < 0)
        return -1;
    }
  if (l->uid_mappings_len > 0 && write_map (pid, "uid_map", l->uid_mappings, l->uid_mappings_len, err) < 0)
    return -1;
  if (l->gid_mappings_len > 0 && write_map (pid, "gid_map", l->gid_mappings, l->gid_mappings_len, err) < 0)
    return -1;
  return 0;
}
