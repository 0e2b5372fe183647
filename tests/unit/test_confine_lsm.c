/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "confine/confine.h"
#include "confine/host.h"
#include "confine/lsm.h"
#include "unit_test.h"

static void
test_apparmor (void)
{
  struct lsm_host on = { .apparmor_built = true, .apparmor_enabled = true, .apparmor_attr_dir = true };
  struct lsm_host old_kernel = { .apparmor_built = true, .apparmor_enabled = true };
  struct lsm_host off = { .apparmor_built = true };
  struct lsm_host not_built = { 0 };
  casing_error_t err = NULL;
  struct lsm_write w;

  CHECK_OK (apparmor_exec_write (&on, "acme_secure_profile", &w, &err), err);
  CHECK (w.path && strcmp (w.path, "thread-self/attr/apparmor/exec") == 0);
  CHECK (w.data && strcmp (w.data, "exec acme_secure_profile") == 0);
  lsm_write_release (&w);
  /* Before LSM stacking (5.8) there is only the shared attr/exec. */
  CHECK_OK (apparmor_exec_write (&old_kernel, "p", &w, &err), err);
  CHECK (w.path && strcmp (w.path, "thread-self/attr/exec") == 0 && strcmp (w.data, "exec p") == 0);
  lsm_write_release (&w);
  CHECK_OK (apparmor_exec_write (&on, NULL, &w, &err), err);
  CHECK (w.data == NULL);

  /* Asked for, but nothing can apply it: a clear error, not silence. */
  CHECK (apparmor_exec_write (&off, "acme", &w, &err) < 0);
  CHECK_ERR (err, "process.apparmorProfile: AppArmor is not enabled on this host, cannot apply profile \"acme\"");
  CHECK (apparmor_exec_write (&not_built, "acme", &w, &err) < 0);
  CHECK_ERR (err, "casing was built without libapparmor");
  /* ... except `unconfined`, which asks for nothing. */
  CHECK_OK (apparmor_exec_write (&off, "unconfined", &w, &err), err);
  CHECK (w.data == NULL);
  CHECK_OK (apparmor_exec_write (&not_built, "unconfined", &w, &err), err);
  CHECK (w.data == NULL);
  CHECK_OK (apparmor_exec_write (&on, "unconfined", &w, &err), err);
  CHECK (w.data && strcmp (w.data, "exec unconfined") == 0);
  lsm_write_release (&w);
}

static void
test_selinux (void)
{
  struct lsm_host on = { .selinux_built = true, .selinux_enabled = true };
  struct lsm_host off = { .selinux_built = true };
  struct lsm_host not_built = { .selinux_enabled = true };
  const char *label = "system_u:system_r:svirt_lxc_net_t:s0:c124,c675";
  casing_error_t err = NULL;
  struct lsm_write w;

  CHECK_OK (selinux_exec_write (&on, label, &w, &err), err);
  CHECK (w.path && strcmp (w.path, "thread-self/attr/exec") == 0 && strcmp (w.data, label) == 0);
  lsm_write_release (&w);
  CHECK_OK (selinux_keycreate_write (&on, label, &w, &err), err);
  CHECK (w.path && strcmp (w.path, "thread-self/attr/keycreate") == 0 && strcmp (w.data, label) == 0);
  lsm_write_release (&w);
  /* Not enabled: ignored, as runc does. */
  CHECK_OK (selinux_exec_write (&off, label, &w, &err), err);
  CHECK (w.data == NULL);
  CHECK (selinux_exec_write (&not_built, label, &w, &err) < 0);
  CHECK_ERR (err, "casing was built without libselinux");
}

static void
test_mount_label (void)
{
  const char *label = "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811";
  char *s;

  s = selinux_mount_data_with_label ("tmpfs", "mode=755,size=65536k", label);
  CHECK (s && strcmp (s, "mode=755,size=65536k,context=\"system_u:object_r:svirt_sandbox_file_t:s0:c715,c811\"") == 0);
  free (s);
  /* mqueue: its superblock exists already; labelled after the mount */
  s = selinux_mount_data_with_label ("mqueue", NULL, label);
  CHECK (s == NULL);
  CHECK (selinux_label_after_mount ("mqueue") && ! selinux_label_after_mount ("tmpfs"));
  s = selinux_mount_data_with_label ("devpts", "", label);
  CHECK (s && strncmp (s, "context=\"", 9) == 0);
  free (s);
  /* proc, sysfs and bind mounts keep their own labels. */
  s = selinux_mount_data_with_label ("proc", NULL, label);
  CHECK (s == NULL);
  s = selinux_mount_data_with_label ("sysfs", "ro", label);
  CHECK (s && strcmp (s, "ro") == 0);
  free (s);
  s = selinux_mount_data_with_label ("bind", "", label);
  CHECK (s && strcmp (s, "") == 0);
  free (s);
  /* An explicit context wins; no label, no change. */
  s = selinux_mount_data_with_label ("tmpfs", "context=\"x\"", label);
  CHECK (s && strcmp (s, "context=\"x\"") == 0);
  free (s);
  s = selinux_mount_data_with_label ("tmpfs", "size=1k", NULL);
  CHECK (s && strcmp (s, "size=1k") == 0);
  free (s);
  /* This host has SELinux off: the effective label is none. */
  if (! selinux_host_enabled ())
    CHECK (selinux_effective_mount_label (label) == NULL);
  CHECK (selinux_effective_mount_label (NULL) == NULL);
}

static void
test_this_host (void)
{
  const struct lsm_host *h = lsm_host_probe ();
  oci_process p = { .apparmor_profile = "acme" };
  casing_error_t err = NULL;

  if (h->apparmor_enabled)
    SKIP_TEST ("AppArmor is enabled here (tests/integration/test_lsm_apparmor.py runs there)");
  /* Neither LSM is active here: a profile fails clearly (the validation
   * refuses it first: test_validate), a label is ignored. */
  CHECK (lsm_set_exec_label (&p, &err) < 0);
  CHECK_ERR (err, "profile \"acme\"");
  p.apparmor_profile = NULL;
  p.selinux_label = "system_u:system_r:container_t:s0";
  if (! h->selinux_enabled)
    CHECK_OK (lsm_set_exec_label (&p, &err), err);
}

int
main (void)
{
  UNIT_RUN (test_apparmor ());
  UNIT_RUN (test_selinux ());
  UNIT_RUN (test_mount_label ());
  UNIT_RUN (test_this_host ());
  return unit_done ("test_confine_lsm");
}
