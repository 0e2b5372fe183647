/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mounts of a container that CRIU cannot dump by itself because their
 * source is the host's: the bind mounts of `mounts` (volumes), masked
 * files (the host's /dev/null bound over them) and device nodes bound
 * from the host (in a user namespace).  Each becomes an external mount
 * keyed by its destination; at restore the key names the host path to
 * bind again: the source in the restoring bundle's config (a volume may
 * live elsewhere after a migration), /dev/null, the device's path.
 * Anything else of the host's (a sysfs or a cgroup bound in a user
 * namespace...) is left to CRIU's auto-detection (criu_opts_common). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"

static const char *const default_device_paths[] = {
  "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
};

/* "/a//b/./c/" -> "/a/b/c" (lexically, as the container's mountinfo shows
 * destinations: they were resolved in the container's root). */
static char *
normalize (const char *path)
{
  char *out = xmalloc0 (strlen (path) + 2);
  size_t n = 0;

  for (const char *p = path; *p;)
    {
      size_t len;
      while (*p == '/')
        p++;
      len = strcspn (p, "/");
      if (len == 0 || (len == 1 && p[0] == '.'))
        ;
      else if (len == 2 && p[0] == '.' && p[1] == '.')
        {
          while (n > 0 && out[n - 1] != '/')
            n--;
          if (n > 0)
            n--;
        }
      else
        {
          out[n++] = '/';
          memcpy (out + n, p, len);
          n += len;
        }
      p += len;
    }
  if (n == 0)
    out[n++] = '/';
  out[n] = '\0';
  return out;
}

/* The mount at `target` (the last one: it is what the path shows). */
static const struct minfo *
table_find (const struct mlist *t, const char *target)
{
  for (size_t i = t->n; i > 0; i--)
    if (strcmp (t->v[i - 1].target, target) == 0)
      return &t->v[i - 1];
  return NULL;
}

static bool
option_is (const oci_mount *m, const char *a, const char *b)
{
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], a) == 0 || (b && strcmp (m->options[i], b) == 0))
      return true;
  return false;
}

static bool
is_bind (const oci_mount *m)
{
  return (m->type && strcmp (m->type, "bind") == 0) || option_is (m, "bind", "rbind");
}

/* Dump: key and value are the destination (the name in the images). */
static void
add_if_mounted (struct criu_opts *o, const struct mlist *t, const char *dest, bool file_only)
{
  cleanup_free char *d = normalize (dest);
  const struct minfo *mp = table_find (t, d);

  /* A bound file shows a part of its filesystem; a directory masked with
   * a tmpfs is the container's own and CRIU dumps it. */
  if (mp == NULL || (file_only && strcmp (mp->root, "/") == 0) || criu_opts_has_ext_mnt (o, d))
    return;
  criu_opts_add_ext_mnt (o, d, d);
}

int
criu_mounts_dump (const oci_config *c, pid_t pid, struct criu_opts *o, casing_error_t *err)
{
  const oci_linux *l = c->linux_;
  cleanup_free char *path = NULL;
  struct mlist t = { 0 };

  xasprintf (&path, "%d/mountinfo", (int) pid);
  if (criu_mountinfo_of (path, &t, err) < 0)
    {
      criu_mountinfo_free (&t);
      return casing_error_prefix (err, "the container's mounts");
    }
  for (size_t i = 0; i < c->mounts_len; i++)
    if (c->mounts[i].destination && is_bind (&c->mounts[i]))
      add_if_mounted (o, &t, c->mounts[i].destination, false);
  for (size_t i = 0; l && i < l->masked_paths_len; i++)
    add_if_mounted (o, &t, l->masked_paths[i], true);
  for (size_t i = 0; i < sizeof default_device_paths / sizeof default_device_paths[0]; i++)
    add_if_mounted (o, &t, default_device_paths[i], true);
  for (size_t i = 0; l && i < l->devices_len; i++)
    if (l->devices[i].path)
      add_if_mounted (o, &t, l->devices[i].path, true);
  criu_mountinfo_free (&t);
  return 0;
}

static void
add_restore (struct criu_opts *o, const char *dest, const char *source)
{
  cleanup_free char *d = normalize (dest);

  if (!criu_opts_has_ext_mnt (o, d))
    criu_opts_add_ext_mnt (o, d, source);
}

/* Restore: every key the images may hold maps to what to bind; CRIU looks
 * up only those it needs. */
int
criu_mounts_restore (const oci_config *c, const char *bundle, struct criu_opts *o, casing_error_t *err)
{
  const oci_linux *l = c->linux_;

  (void) err;
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      const oci_mount *m = &c->mounts[i];
      cleanup_free char *src = NULL;
      if (m->destination == NULL || m->source == NULL || !is_bind (m))
        continue;
      if (m->source[0] == '/')
        src = xstrdup (m->source);
      else
        xasprintf (&src, "%s/%s", bundle, m->source);
      add_restore (o, m->destination, src);
    }
  for (size_t i = 0; l && i < l->masked_paths_len; i++)
    add_restore (o, l->masked_paths[i], "/dev/null");
  for (size_t i = 0; i < sizeof default_device_paths / sizeof default_device_paths[0]; i++)
    add_restore (o, default_device_paths[i], default_device_paths[i]);
  for (size_t i = 0; l && i < l->devices_len; i++)
    if (l->devices[i].path)
      add_restore (o, l->devices[i].path, l->devices[i].path);
  return 0;
}
