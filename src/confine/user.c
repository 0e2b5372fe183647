/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utils.h"
#include "confine.h"

/* runc sets 0022 when process.user.umask is absent, and engines rely on it
 * (files created by the container are not group/world writable). */
#define DEFAULT_UMASK 0022

static bool keep_original_groups;

void
process_keep_original_groups (bool keep)
{
  keep_original_groups = keep;
}

int
process_set_user (const oci_process *process, casing_error_t *err)
{
  const oci_user *u = process ? process->user : NULL;
  uid_t uid = (u && u->has_uid) ? u->uid : 0;
  gid_t gid = (u && u->has_gid) ? u->gid : 0;
  size_t n = u ? u->additional_gids_len : 0;
  cleanup_free gid_t *gids = xmalloc0 ((n ? n : 1) * sizeof (gid_t));

  for (size_t i = 0; i < n; i++)
    gids[i] = u->additional_gids[i];
  /* Always set the list, even empty: the runtime's own supplementary groups
   * must not leak into the container.  In a user namespace with setgroups
   * denied (rootless) an empty list cannot be set and there is nothing to
   * drop anyway. */
  /* run.oci.keep_original_groups (Podman --group-add keep-groups): no
   * setgroups at all, the process keeps the groups of who ran us. */
  if (! keep_original_groups && setgroups (n, gids) < 0 && ! (errno == EPERM && n == 0))
    return casing_error_errno (err, "process.user.additionalGids: setgroups");

  /* Keep the permitted set across the uid change: caps_apply() sets the
   * final sets afterwards and clears PR_SET_KEEPCAPS. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return casing_error_errno (err, "prctl PR_SET_KEEPCAPS");
  if (setresgid (gid, gid, gid) < 0)
    return casing_error_errno (err, "process.user.gid: setresgid %u", (unsigned) gid);
  if (setresuid (uid, uid, uid) < 0)
    return casing_error_errno (err, "process.user.uid: setresuid %u", (unsigned) uid);

  umask ((u && u->has_umask) ? (mode_t) u->umask : DEFAULT_UMASK);
  return 0;
}
