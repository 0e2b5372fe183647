/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "confine.h"
#include "lsm.h"

/* Permission bits from <keyutils.h>, which we do not depend on. */
#define KEY_POS_ALL 0x3f000000
#define KEY_USR_VIEW 0x00010000
#define KEY_USR_READ 0x00020000
#define KEY_USR_WRITE 0x00040000
#define KEY_USR_SEARCH 0x00080000
#define KEY_USR_LINK 0x00100000

/* The possessor (the container) may do everything; the owning uid may look
 * and link but not change attributes; group and others nothing, so that
 * containers sharing a uid do not see each other's keys. */
#define SESSION_KEYRING_PERM \
  (KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | KEY_USR_SEARCH | KEY_USR_LINK)

int
keyring_create_session (const char *container_id, const char *selinux_label, casing_error_t *err)
{
  struct lsm_write w;
  char name[512];
  long serial;

  /* Keyring names starting with "." are the kernel's own (EPERM): such an
   * id gets runc's prefix. */
  snprintf (name, sizeof name, "%s%s", container_id[0] == '.' ? "_ses" : "", container_id);
  /* Label the keyring as the process will be (setkeycreatecon). */
  if (selinux_keycreate_write (lsm_host_probe (), selinux_label, &w, err) < 0)
    return -1;
  if (lsm_write_apply (&w, err) < 0)
    return casing_error_prefix (err, "session keyring");

  /* Without its own session keyring a container shares the caller's, and
   * with it every key the host user holds. */
  serial = syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
  if (serial < 0)
    {
      if (errno == ENOSYS)
        {
          log_debug ("session keyring: keyrings are not supported by the kernel, skipped");
          return 0;
        }
      return casing_error_errno (err, "session keyring: join a new session keyring \"%s\"", name);
    }
  if (syscall (SYS_keyctl, KEYCTL_SETPERM, serial, SESSION_KEYRING_PERM, 0, 0) < 0)
    return casing_error_errno (err, "session keyring: set permissions");
  return 0;
}
