/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/procfs.h"
#include "core/utils.h"
#include "confine.h"
#include "host.h"
#include "lsm.h"

const struct lsm_host *
lsm_host_probe (void)
{
  static struct lsm_host host;
  static bool probed;
  int fd;

  if (probed)
    return &host;
#ifdef HAVE_APPARMOR
  host.apparmor_built = true;
#endif
#ifdef HAVE_SELINUX
  host.selinux_built = true;
#endif
  host.apparmor_enabled = apparmor_host_enabled ();
  host.selinux_enabled = selinux_host_enabled ();
  fd = procfs_open_verified ("thread-self/attr/apparmor", O_PATH | O_DIRECTORY, NULL);
  host.apparmor_attr_dir = fd >= 0;
  if (fd >= 0)
    close (fd);
  probed = true;
  return &host;
}

void
lsm_write_release (struct lsm_write *w)
{
  free (w->data);
  w->data = NULL;
}

int
lsm_write_apply (struct lsm_write *w, casing_error_t *err)
{
  int r = 0;

  if (w->data)
    r = procfs_write_verified (w->path, w->data, strlen (w->data), err);
  lsm_write_release (w);
  return r;
}

/* Both labels take effect at the next execve(), so order does not matter
 * between them; both must come before no_new_privs, which restricts
 * transitions. */
int
lsm_set_exec_label (const oci_process *process, casing_error_t *err)
{
  const struct lsm_host *host = lsm_host_probe ();
  struct lsm_write w;

  if (process == NULL)
    return 0;
  if (apparmor_exec_write (host, process->apparmor_profile, &w, err) < 0)
    return -1;
  /* The kernel answers ENOENT for a profile that is not loaded. */
  if (lsm_write_apply (&w, err) < 0)
    return casing_error_prefix (err, "process.apparmorProfile: apply AppArmor profile \"%s\"%s",
                                process->apparmor_profile,
                                (*err)->status == ENOENT ? " (is it loaded?)" : "");
  if (selinux_exec_write (host, process->selinux_label, &w, err) < 0)
    return -1;
  if (lsm_write_apply (&w, err) < 0)
    return casing_error_prefix (err, "process.selinuxLabel: apply SELinux label \"%s\"",
                                process->selinux_label);
  return 0;
}
