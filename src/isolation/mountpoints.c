/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mountpoints of the bind mounts in the root filesystem itself, for
 * `restore`: CRIU binds each volume again onto its destination, which
 * must exist in the rootfs.  `create` made them when it mounted, but the
 * rootfs of a restore can be a new one (an engine's fresh copy of the
 * image after a migration).  Only binds whose destination is not inside
 * another mount: those live in that mount (a tmpfs CRIU restores with its
 * content, a volume). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/utils.h"

static bool
is_bind_mount (const oci_mount *m)
{
  struct mount_options o;
  bool bind;

  if (mount_options_parse (m->options, m->options_len, &o, NULL) < 0)
    return false;
  bind = mount_is_bind (m, &o);
  mount_options_release (&o);
  return bind;
}

/* Whether another mount's destination holds `dest`. */
static bool
inside_another_mount (const oci_config *c, size_t self, const char *dest)
{
  for (size_t j = 0; j < c->mounts_len; j++)
    {
      cleanup_free char *d = NULL;
      size_t n;
      if (j == self || c->mounts[j].destination == NULL)
        continue;
      d = path_normalize (c->mounts[j].destination);
      n = strlen (d);
      if (strcmp (d, "/") != 0 && strncmp (dest, d, n) == 0 && dest[n] == '/')
        return true;
    }
  return false;
}

int
rootfs_make_bind_mountpoints (const oci_config *c, const char *rootfs, const char *bundle, casing_error_t *err)
{
  cleanup_close int root = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (root < 0)
    return casing_error_errno (err, "open the root filesystem `%s`", rootfs);
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      const oci_mount *m = &c->mounts[i];
      cleanup_free char *dest = NULL, *src = NULL;
      enum path_create kind = PATH_CREATE_DIR;
      struct stat st;
      int fd;

      if (m->destination == NULL || m->source == NULL || !is_bind_mount (m))
        continue;
      dest = path_normalize (m->destination);
      if (path_is_root (dest) || inside_another_mount (c, i, dest))
        continue;
      if (m->source[0] == '/' || bundle == NULL)
        src = xstrdup (m->source);
      else
        xasprintf (&src, "%s/%s", bundle, m->source);
      if (stat (src, &st) == 0 && !S_ISDIR (st.st_mode))
        kind = PATH_CREATE_FILE;
      fd = path_open_in_root (root, dest, kind, err);
      if (fd < 0)
        return casing_error_prefix (err, "mounts[%zu]: the mountpoint `%s`", i, dest);
      close (fd);
    }
  return 0;
}
