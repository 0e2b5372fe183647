/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "../log.h"
#include "../utils.h"
#include "lsm.h"

bool
selinux_host_enabled (void)
{
#ifdef HAVE_SELINUX
  return is_selinux_enabled () > 0;
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
   * cgroup and bind mounts keep their own labels. */
  static const char *const types[] = { "tmpfs", "devpts", "mqueue", "ramfs", NULL };
  for (size_t i = 0; type && types[i]; i++)
    if (strcmp (type, types[i]) == 0)
      return true;
  return false;
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
