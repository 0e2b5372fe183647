/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AppArmor and SELinux labels.  What to write where is decided by pure
 * functions over a description of the host, so the decisions are unit
 * tested on hosts where neither LSM is active; the write itself goes
 * through procfs_write_verified(). */
#ifndef CASING_CONFINE_LSM_H
#define CASING_CONFINE_LSM_H

#include <stdbool.h>

#include "core/error.h"
#include "ocispec.h"

struct lsm_host
{
  bool apparmor_built;   /* casing has libapparmor */
  bool apparmor_enabled; /* aa_is_enabled() */
  bool apparmor_attr_dir; /* /proc/thread-self/attr/apparmor/ exists (5.8+) */
  bool selinux_built;
  bool selinux_enabled;  /* is_selinux_enabled() */
};

/* One write into procfs: `path` is relative to the procfs root. */
struct lsm_write
{
  const char *path;
  char *data; /* malloc'd; NULL: nothing to write */
};

/* The host as it is (cached). */
const struct lsm_host *lsm_host_probe (void);

/* Decide the AppArmor exec transition for `profile` (NULL: none). */
int apparmor_exec_write (const struct lsm_host *host, const char *profile, struct lsm_write *out,
                         casing_error_t *err);
/* Decide the SELinux exec label (NULL: none; ignored when SELinux is off). */
int selinux_exec_write (const struct lsm_host *host, const char *label, struct lsm_write *out, casing_error_t *err);
/* The same for the label of keys created next (setkeycreatecon). */
int selinux_keycreate_write (const struct lsm_host *host, const char *label, struct lsm_write *out,
                             casing_error_t *err);

/* Perform a decided write (no-op when out->data is NULL) and free it. */
int lsm_write_apply (struct lsm_write *w, casing_error_t *err);
void lsm_write_release (struct lsm_write *w);

/* Mount data with linux.mountLabel as SELinux context: `data` (may be NULL)
 * plus `context="<label>"` for the filesystems that take one (tmpfs, devpts,
 * ramfs) when label is not NULL/empty and data has no context yet.
 * Pure; always returns a malloc'd string (possibly ""), NULL only when data
 * was NULL and nothing is added. */
char *selinux_mount_data_with_label (const char *type, const char *data, const char *label);
/* Filesystems that cannot take context= (mqueue): their root gets the
 * mount label as security.selinux after the mount, as runc does. */
bool selinux_label_after_mount (const char *type);
int selinux_label_mount_root (int fd, const char *label, const char *what, casing_error_t *err);
/* linux.mountLabel when SELinux is enabled on this host, else NULL (with a
 * debug message), as runc ignores labels then.  Give the result to
 * selinux_mount_data_with_label(). */
const char *selinux_effective_mount_label (const char *mount_label);

#endif
