/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>
#endif

#include "core/lazylib.h"
#include "core/utils.h"
#include "host.h"
#include "lsm.h"

/* The write aa_change_onexec() does, made here so that it goes through a
 * verified procfs handle (CVE-2025-52881 redirected exactly this write). */
int
apparmor_exec_write (const struct lsm_host *host, const char *profile, struct lsm_write *out, casing_error_t *err)
{
  out->path = NULL;
  out->data = NULL;
  if (profile == NULL)
    return 0;
  if (profile[0] == '\0')
    return casing_error_set (err, 0, "process.apparmorProfile: empty profile name");
  /* Nothing to confine when the profile asks for none. */
  if (strcmp (profile, "unconfined") == 0 && ! (host->apparmor_built && host->apparmor_enabled))
    return 0;
  if (! host->apparmor_built)
    return casing_error_set (err, 0,
                             "AppArmor profile \"%s\" requested by process.apparmorProfile but casing was built "
                             "without libapparmor",
                             profile);
  if (! host->apparmor_enabled)
    return casing_error_set (err, 0,
                             "process.apparmorProfile: AppArmor is not enabled on this host, cannot apply profile \"%s\"",
                             profile);
  /* With LSM stacking (5.8+) each LSM has its own attr directory; the
   * shared attr/exec may belong to another LSM. */
  out->path = host->apparmor_attr_dir ? "thread-self/attr/apparmor/exec" : "thread-self/attr/exec";
  xasprintf (&out->data, "exec %s", profile);
  return 0;
}

#ifdef HAVE_APPARMOR
static __typeof__ (aa_is_enabled) *aa_is_enabled_fn;
static const char *const aa_names[] = { "aa_is_enabled", NULL };
static struct lazylib libapparmor = {
  .soname = "libapparmor.so.1",
  .feature = "AppArmor",
  .symbols = aa_names,
  .slots = (void **) &aa_is_enabled_fn,
};
#endif

/* The kernel's own switch first: where AppArmor is off (most hosts
 * without it), libapparmor is never loaded. */
static bool
apparmor_module_enabled (void)
{
  char c = 0;
  int fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return false;
  if (read (fd, &c, 1) != 1)
    c = 0;
  close (fd);
  return c == 'Y';
}

bool
apparmor_host_enabled (void)
{
#ifdef HAVE_APPARMOR
  if (!apparmor_module_enabled () || lazylib_load (&libapparmor, NULL) < 0)
    return false;
  return aa_is_enabled_fn () == 1;
#else
  return false;
#endif
}

/* securityfs lists the loaded profiles as "name (mode)" lines.  Names
 * that are stacked ("a//&b"), hats ("a//b") or in a policy namespace
 * (":ns:name") are not looked up. */
int
apparmor_profile_loaded (const char *name)
{
  cleanup_free char *data = NULL;
  size_t n = strlen (name);

  if (name[0] == ':' || strstr (name, "//") != NULL)
    return -1;
  if (read_all_file ("/sys/kernel/security/apparmor/profiles", &data, NULL, NULL) < 0)
    return -1;
  for (char *line = data; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, name, n) == 0 && strncmp (line + n, " (", 2) == 0)
      return 1;
  return 0;
}
