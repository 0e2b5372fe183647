/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uid_map / gid_map of the container's new user namespace, written by the
 * parent once the child exists.  Who may write what (user_namespaces(7)):
 *  - with CAP_SETUID / CAP_SETGID in our own user namespace (root, or root
 *    of the namespace rootless Podman made): any ids mapped here, directly;
 *  - without: only our own id, once, and for gid_map only after setgroups
 *    is denied;
 *  - anything more: newuidmap / newgidmap, with the subordinate ranges the
 *    system grants the user (userns_helper.c). */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/log.h"
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

/* capget(2) directly: the answer must not depend on whether libcap was
 * found at build time. */
static bool
has_effective_cap (int cap)
{
  struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct d[2];

  memset (d, 0, sizeof d);
  if (syscall (SYS_capget, &h, d) < 0)
    return geteuid () == 0;
  return (d[cap / 32].effective & (1u << (cap % 32))) != 0;
}

static bool
only_own_id (const oci_id_mapping *m, size_t n, uint32_t own)
{
  return n == 1 && m[0].host_id == own && m[0].size == 1;
}

enum userns_writer
userns_map_writer (const oci_id_mapping *m, size_t n, bool gid)
{
  if (has_effective_cap (gid ? CAP_SETGID : CAP_SETUID))
    return USERNS_WRITE_DIRECT;
  if (only_own_id (m, n, gid ? getegid () : geteuid ()))
    return USERNS_WRITE_OWN_ID;
  return USERNS_WRITE_HELPER;
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
  const oci_linux *l = config->linux_;

  return u && u->path == NULL && l->gid_mappings_len > 0
         && userns_map_writer (l->gid_mappings, l->gid_mappings_len, true) == USERNS_WRITE_OWN_ID;
}

static int
write_one (pid_t pid, bool gid, const oci_id_mapping *m, size_t n, casing_error_t *err)
{
  enum userns_writer w = userns_map_writer (m, n, gid);

  if (n == 0)
    return 0;
  if (w == USERNS_WRITE_HELPER)
    {
      log_debug ("%s: through %s", gid ? "gid_map" : "uid_map", gid ? "newgidmap" : "newuidmap");
      return userns_helper_write (pid, gid, m, n, err);
    }
  if (gid && w == USERNS_WRITE_OWN_ID)
    {
      char sub[64];
      snprintf (sub, sizeof sub, "%d/setgroups", (int) pid);
      if (procfs_write_verified (sub, "deny", 4, err) < 0)
        return -1;
    }
  return write_map (pid, gid ? "gid_map" : "uid_map", m, n, err);
}

int
userns_write_mappings (pid_t pid, const oci_config *config, casing_error_t *err)
{
  const oci_linux *l = config->linux_;
  const oci_namespace *u = config_get_namespace (config, "user");

  /* A joined user namespace already has its mappings (they can be written
   * only once). */
  if (u == NULL || u->path != NULL)
    return 0;
  if (l == NULL || (l->uid_mappings_len == 0 && l->gid_mappings_len == 0))
    return 0;
  if (write_one (pid, false, l->uid_mappings, l->uid_mappings_len, err) < 0
      || write_one (pid, true, l->gid_mappings, l->gid_mappings_len, err) < 0)
    return -1;
  return 0;
}
