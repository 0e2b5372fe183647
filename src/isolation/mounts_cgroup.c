/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A `cgroup` mount: the container sees the hierarchies the host has.
 * Pure v2 host: cgroup2 at the destination.  v1 or hybrid host: a tmpfs at
 * the destination holding one mount per v1 hierarchy plus `unified` (the
 * cgroup2 of a hybrid host), like the host's /sys/fs/cgroup.  With a cgroup
 * namespace the kernel roots fresh mounts at the container's cgroup; without
 * one we bind the container's own cgroup directory of each hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/log.h"
#include "core/utils.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

struct hierarchy
{
  char *name;      /* directory under /sys/fs/cgroup: "memory", "systemd", "unified" */
  char *options;   /* super options without rw/ro: "memory", "name=systemd", "" */
  bool v2;
};

static void
hierarchies_free (struct hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].name);
      free (h[i].options);
    }
  free (h);
}

/* "rw,cpu,cpuacct" -> "cpu,cpuacct" */
static char *
strip_rw (const char *superopts)
{
  cleanup_free char *copy = xstrdup (superopts);
  char *out = xmalloc0 (strlen (superopts) + 1), *save = NULL;
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      if (strcmp (t, "rw") == 0 || strcmp (t, "ro") == 0)
        continue;
      if (out[0])
        strcat (out, ",");
      strcat (out, t);
    }
  return out;
}

/* One mountinfo line: is it a cgroup hierarchy directly under the root? */
static bool
parse_mountinfo_line (char *line, struct hierarchy *h, bool *root_is_v2)
{
  char mnt[4096], fstype[64], superopts[1024];
  char *sep = strstr (line, " - ");
  if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1
      || sscanf (sep + 3, "%63s %*s %1023s", fstype, superopts) != 2)
    return false;
  if (strcmp (fstype, "cgroup") != 0 && strcmp (fstype, "cgroup2") != 0)
    return false;
  if (strcmp (mnt, HOST_CGROUP_ROOT) == 0)
    {
      *root_is_v2 = strcmp (fstype, "cgroup2") == 0;
      return false;
    }
  if (strncmp (mnt, HOST_CGROUP_ROOT "/", sizeof HOST_CGROUP_ROOT) != 0
      || strchr (mnt + sizeof HOST_CGROUP_ROOT, '/'))
    return false;
  h->name = xstrdup (mnt + sizeof HOST_CGROUP_ROOT);
  h->v2 = strcmp (fstype, "cgroup2") == 0;
  h->options = strip_rw (superopts);
  return true;
}

static int
host_hierarchies (struct hierarchy **out, size_t *n, bool *pure_v2, casing_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  struct hierarchy *h = NULL;

  *n = 0;
  *pure_v2 = false;
  if (f == NULL)
    return casing_error_errno (err, "open `/proc/self/mountinfo`");
  while (getline (&line, &cap, f) > 0)
    {
      struct hierarchy one = { 0 };
      if (! parse_mountinfo_line (line, &one, pure_v2))
        continue;
      h = xrealloc (h, (*n + 1) * sizeof *h);
      h[(*n)++] = one;
    }
  *out = h;
  return 0;
}

/* The process's own cgroup in a hierarchy, from /proc/self/cgroup. */
static char *
own_cgroup_path (const struct hierarchy *h)
{
  cleanup_file FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return xstrdup ("/");
  while (getline (&line, &cap, f) > 0)
    {
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c2 = '\0';
      line[strcspn (line, "\n")] = '\0';
      c2[1 + strcspn (c2 + 1, "\n")] = '\0';
      if ((h->v2 && c1[1] == '\0') || (! h->v2 && strcmp (c1 + 1, h->options) == 0))
        return xstrdup (c2 + 1);
    }
  return xstrdup ("/");
}

static int
mount_hierarchy (struct rootfs_context *ctx, const struct hierarchy *h, int target,
                 const struct mount_options *o, const char *what, casing_error_t *err)
{
  unsigned long flags = o->ms_flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  cleanup_free char *own = NULL, *src = NULL;

  if (ctx->has_cgroupns)
    return mount_fs_on_fd (h->v2 ? "cgroup2" : "cgroup", h->v2 ? "cgroup2" : "cgroup", flags,
                           h->options[0] ? h->options : NULL, target, what, err);
  own = own_cgroup_path (h);
  if (h->name[0])
    xasprintf (&src, "%s/%s%s", HOST_CGROUP_ROOT, h->name, own);
  else
    xasprintf (&src, "%s%s", HOST_CGROUP_ROOT, own);
  {
    cleanup_close int s = open (src, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s < 0)
      return casing_error_errno (err, "%s: open `%s`", what, src);
    return mount_bind_fd (s, target, false, mount_options_ms_to_attr (flags), what, err);
  }
}

/* Co-mounted controllers have symlinks on the host (cpu -> cpu,cpuacct). */
static void
copy_host_symlinks (int dstfd)
{
  cleanup_dir DIR *d = opendir (HOST_CGROUP_ROOT);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      char target[256];
      ssize_t n;
      if (de->d_type != DT_LNK)
        continue;
      n = readlinkat (dirfd (d), de->d_name, target, sizeof target - 1);
      if (n <= 0 || memchr (target, '/', n))
        continue;
      target[n] = '\0';
      if (symlinkat (target, dstfd, de->d_name) < 0 && errno != EEXIST)
        log_debug ("cgroup: symlink `%s`: %s", de->d_name, strerror (errno));
    }
}

static int
mount_v1_layout (struct rootfs_context *ctx, const struct hierarchy *h, size_t n, int target,
                 const char *dest, const struct mount_options *o, const char *what, casing_error_t *err)
{
  cleanup_close int top = -1;

  if (mount_fs_on_fd ("tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", target, what, err) < 0)
    return -1;
  top = mount_reopen_target (ctx, dest, target, MOUNT_REOPEN_NEW, err);
  if (top < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_close int sub = -1;
      if (mkdirat (top, h[i].name, 0755) < 0 && errno != EEXIST)
        return casing_error_errno (err, "%s: mkdir `%s`", what, h[i].name);
      sub = openat (top, h[i].name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return casing_error_errno (err, "%s: open `%s`", what, h[i].name);
      if (mount_hierarchy (ctx, &h[i], sub, o, what, err) < 0)
        return casing_error_prefix (err, "cgroup `%s`", h[i].name);
    }
  copy_host_symlinks (top);
  if (o->ms_flags & MS_RDONLY)
    return mount_set_attrs (top, false, MOUNT_ATTR_RDONLY, 0, 0, what, err);
  return 0;
}

int
mount_cgroup (struct rootfs_context *ctx, const oci_mount *m, const struct mount_options *o,
              int target_fd, const char *dest, casing_error_t *err)
{
  struct hierarchy *h = NULL, v2root = { .name = (char *) "", .options = (char *) "", .v2 = true };
  size_t n = 0;
  bool pure_v2;
  char what[64];
  int ret;

  snprintf (what, sizeof what, "mounts[%zu]", (size_t) (m - ctx->config->mounts));
  if (host_hierarchies (&h, &n, &pure_v2, err) < 0)
    return -1;
  if (pure_v2)
    ret = mount_hierarchy (ctx, &v2root, target_fd, o, what, err);
  else if (strcmp (m->type, "cgroup2") == 0)
    {
      ret = casing_error_set (err, ENOENT, "%s: the host has no cgroup2 hierarchy", what);
      for (size_t i = 0; i < n; i++)
        if (h[i].v2)
          {
            ret = mount_hierarchy (ctx, &h[i], target_fd, o, what, err);
            break;
          }
    }
  else
    ret = mount_v1_layout (ctx, h, n, target_fd, dest, o, what, err);
  hierarchies_free (h, n);
  return ret;
}
