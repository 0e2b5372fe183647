/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "core/lazylib.h"
#include "core/log.h"
#include "core/utils.h"
#include "host.h"
#include "lsm.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

#ifdef HAVE_SELINUX
static struct
{
  __typeof__ (is_selinux_enabled) *is_enabled;
  __typeof__ (security_check_context) *check_context;
} se;
static const char *const se_names[] = { "is_selinux_enabled", "security_check_context", NULL };
static struct lazylib libselinux = {
  .soname = "libselinux.so.1",
  .feature = "SELinux",
  .symbols = se_names,
  .slots = (void **) &se,
};
#endif

/* selinuxfs mounted is the kernel's sign: where it is not (most hosts
 * without SELinux), libselinux is never loaded. */
static bool
selinuxfs_mounted (void)
{
  struct statfs sfs;

  return statfs ("/sys/fs/selinux", &sfs) == 0 && (unsigned long) sfs.f_type == SELINUX_MAGIC;
}

bool
selinux_host_enabled (void)
{
#ifdef HAVE_SELINUX
  static int cached = -1;

  if (cached < 0)
    cached = selinuxfs_mounted () && lazylib_load (&libselinux, NULL) == 0 && se.is_enabled () > 0;
  return cached == 1;
#else
  return false;
#endif
}

static int
label_write (const struct lsm_host *host, const char *field, const char *label, const char *path,
             struct lsm_write *out, casing_error_t *err)
{
  out->path = NULL;
  out->data = NULL;
  if (label == NULL || label[0] == '\0')
    return 0;
  if (! host->selinux_enabled)
    {
      /* runc ignores labels on a host without SELinux; so do we. */
      log_debug ("%s: SELinux is not enabled on this host, label \"%s\" ignored", field, label);
      return 0;
    }
  if (! host->selinux_built)
    return casing_error_set (err, 0,
                             "SELinux label requested by %s but casing was built without libselinux", field);
  out->path = path;
  out->data = xstrdup (label);
  return 0;
}

/* What setexeccon() writes, made here to go through a verified handle. */
int
selinux_exec_write (const struct lsm_host *host, const char *label, struct lsm_write *out, casing_error_t *err)
{
  return label_write (host, "process.selinuxLabel", label, "thread-self/attr/exec", out, err);
}

int
selinux_keycreate_write (const struct lsm_host *host, const char *label, struct lsm_write *out, casing_error_t *err)
{
  return label_write (host, "process.selinuxLabel", label, "thread-self/attr/keycreate", out, err);
}

static bool
takes_context (const char *type)
{
  /* The filesystems the engines label with the mount label; proc, sysfs,
   * cgroup and bind mounts keep their own labels.  mqueue is labelled after
   * the mount instead (selinux_label_after_mount). */
  static const char *const types[] = { "tmpfs", "devpts", "ramfs", NULL };
  for (size_t i = 0; type && types[i]; i++)
    if (strcmp (type, types[i]) == 0)
      return true;
  return false;
}

bool
selinux_label_after_mount (const char *type)
{
  /* The superblock of an ipc namespace's mqueue exists before the mount,
   * so the kernel refuses a context= that differs from its label. */
  return type && strcmp (type, "mqueue") == 0;
}

int
selinux_label_mount_root (int fd, const char *label, const char *what, casing_error_t *err)
{
  char path[64];
  if (label == NULL || label[0] == '\0')
    return 0;
  /* fd may be O_PATH: go through its /proc link.  The value includes the
   * NUL, as setfilecon(3) writes it. */
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  if (setxattr (path, "security.selinux", label, strlen (label) + 1, 0) < 0)
    return casing_error_errno (err, "%s: label the mount `%s`", what, label);
  return 0;
}

bool
selinux_label_known (const char *label)
{
#ifdef HAVE_SELINUX
  if (label && label[0] && selinux_host_enabled ())
    return se.check_context ((char *) label) == 0;
#else
  (void) label;
#endif
  return true;
}

char *
selinux_mount_data_with_label (const char *type, const char *data, const char *label)
{
  char *out;

  if (label == NULL || label[0] == '\0' || ! takes_context (type) || (data && strstr (data, "context=")))
    return data ? xstrdup (data) : NULL;
  /* Quoted: MLS labels contain commas, the separator of mount data. */
  if (data && data[0])
    xasprintf (&out, "%s,context=\"%s\"", data, label);
  else
    xasprintf (&out, "context=\"%s\"", label);
  return out;
}

const char *
selinux_effective_mount_label (const char *mount_label)
{
  if (mount_label == NULL || mount_label[0] == '\0')
    return NULL;
  if (! lsm_host_probe ()->selinux_enabled)
    {
      log_debug ("linux.mountLabel: SELinux is not enabled on this host, label \"%s\" ignored", mount_label);
      return NULL;
    }
  return mount_label;
}
