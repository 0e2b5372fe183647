/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Isolation: namespaces, id mappings, the root filesystem, mounts, /dev,
 * masked/readonly paths, sysctl, hostname, personality.
 *
 * The container setup (src/container/) calls these in this order:
 *
 *   parent, before clone:  namespaces_prepare_parent()     (pid/time ns paths,
 *                                                           new time ns + offsets)
 *   clone3 (flags = namespaces_clone_flags())
 *   parent, after clone:   userns_write_mappings(child)    (if a new user ns)
 *                          netdevices_move(child)
 *   child:                 namespaces_join_paths()         (setns, type-checked)
 *                          uts_apply()                     (hostname, domainname)
 *                          sysctl_apply()
 *                          rootfs_prepare()                (all mounts, under the new root)
 *                          -- createContainer hooks run here --
 *                          rootfs_pivot()                  (pivot_root or move+chroot)
 *                          -- console: /dev/console bound to the pty by the caller --
 *                          rootfs_finalize()               (masked/readonly paths,
 *                                                           propagation, readonly root)
 *                          personality_apply()
 */
#ifndef CASING_ISOLATION_H
#define CASING_ISOLATION_H

#include <stdbool.h>
#include <sys/types.h>

#include "../error.h"
#include "ocispec.h"

struct rootfs_context
{
  const oci_config *config;
  const char *rootfs;   /* absolute path of root.path on the host */
  const char *bundle;   /* absolute bundle directory */
  bool no_pivot;        /* --no-pivot: move-mount + chroot */
  bool has_userns;      /* the container has a (new or joined) user namespace */
  bool has_netns;
  bool has_cgroupns;
  bool has_terminal;    /* process.terminal: /dev/console will be bound later */
  int rootfs_fd;        /* O_PATH fd of the new root once prepared, -1 before */
};

/* CLONE_NEW* flags for namespaces to create (no `path`), excluding time
 * (created by namespaces_prepare_parent, which affects children only). */
int namespaces_clone_flags (const oci_config *config, casing_error_t *err);
bool config_has_namespace (const oci_config *config, const char *type);
int namespaces_prepare_parent (const oci_config *config, casing_error_t *err);
int namespaces_join_paths (const oci_config *config, casing_error_t *err);
int userns_write_mappings (pid_t pid, const oci_config *config, casing_error_t *err);
int netdevices_move (pid_t pid, const oci_config *config, casing_error_t *err);
int uts_apply (const oci_config *config, casing_error_t *err);
int sysctl_apply (const oci_config *config, casing_error_t *err);
int rootfs_prepare (struct rootfs_context *ctx, casing_error_t *err);
int rootfs_pivot (struct rootfs_context *ctx, casing_error_t *err);
int rootfs_finalize (struct rootfs_context *ctx, casing_error_t *err);
int personality_apply (const oci_config *config, casing_error_t *err);

#endif
