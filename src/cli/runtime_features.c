/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "confine/host.h"
#include "confine/names.h"
#include "container/container.h"
#include "container/criu.h"
#include "isolation/isolation.h"
#include "runtime_features.h"
#include "core/utils.h"

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

static char **
strv_from (const char *const *src, size_t n, size_t *len)
{
  char **v = xmalloc0 ((n ? n : 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    v[i] = xstrdup (src[i]);
  *len = n;
  return v;
}

static oci_features_enabled *
enabled (bool on)
{
  oci_features_enabled *e = xmalloc0 (sizeof *e);
  e->has_enabled = true;
  e->enabled = on;
  return e;
}

static const char *const hooks[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};


static char **
strv_from_null_terminated (const char *const *names, size_t *len)
{
  size_t n = 0;
  while (names[n])
    n++;
  return strv_from (names, n, len);
}

/* Straight from the table the mount code parses options with. */
static char **
known_mount_options (size_t *len)
{
  return strv_from_null_terminated (mount_options_known (), len);
}


#ifdef HAVE_SECCOMP
/* Flags the running kernel accepts: casing loads filters itself with
 * seccomp(2), so this is the kernel's answer, not libseccomp's. */
static char **
supported_flags (size_t *len)
{
  const char *const *known = oci_seccomp_flags;
  char **v;
  size_t n = 0, total = 0;

  while (known[total])
    total++;
  v = xmalloc0 ((total + 1) * sizeof (char *));
  for (size_t i = 0; i < total; i++)
    if (seccomp_flag_supported (known[i]))
      v[n++] = xstrdup (known[i]);
  *len = n;
  return v;
}

static oci_features_seccomp *
seccomp_features (void)
{
  oci_features_seccomp *s = xmalloc0 (sizeof *s);
  const char **archs = seccomp_known_archs ();

  s->has_enabled = true;
  s->enabled = true;
  s->actions = strv_from_null_terminated (oci_seccomp_actions, &s->actions_len);
  s->operators = strv_from_null_terminated (oci_seccomp_operators, &s->operators_len);
  s->archs = strv_from_null_terminated (archs, &s->archs_len);
  free (archs);
  s->known_flags = strv_from_null_terminated (oci_seccomp_flags, &s->known_flags_len);
  s->supported_flags = supported_flags (&s->supported_flags_len);
  return s;
}
#endif

static oci_features_linux *
linux_features (void)
{
  oci_features_linux *l = xmalloc0 (sizeof *l);

  l->namespaces = strv_from_null_terminated (oci_namespace_types, &l->namespaces_len);
  l->capabilities = strv_from_null_terminated (caps_known_names (), &l->capabilities_len);
  l->cgroup = xmalloc0 (sizeof *l->cgroup);
  l->cgroup->has_v1 = l->cgroup->v1 = true;
  l->cgroup->has_v2 = l->cgroup->v2 = true;
  l->cgroup->has_systemd = true;
#ifdef HAVE_LIBSYSTEMD
  l->cgroup->systemd = true;
#else
  l->cgroup->systemd = false;
#endif
  /* The driver of an unprivileged user's own systemd (the user bus) is
   * built but not tested in CI (no `systemd --user` there): not claimed. */
  l->cgroup->has_systemd_user = true;
  l->cgroup->systemd_user = false;
  l->cgroup->has_rdma = l->cgroup->rdma = true;
#ifdef HAVE_SECCOMP
  l->seccomp = seccomp_features ();
#else
  l->seccomp = xmalloc0 (sizeof *l->seccomp);
  l->seccomp->has_enabled = true;
#endif
#ifdef HAVE_APPARMOR
  l->apparmor = enabled (true);
#else
  l->apparmor = enabled (false);
#endif
#ifdef HAVE_SELINUX
  l->selinux = enabled (true);
#else
  l->selinux = enabled (false);
#endif
  l->intel_rdt = enabled (false);
  l->mount_extensions = xmalloc0 (sizeof *l->mount_extensions);
  l->mount_extensions->idmap = enabled (true);
  l->net_devices = enabled (true);
  l->memory_policy = xmalloc0 (sizeof *l->memory_policy);
  l->memory_policy->modes = strv_from_null_terminated (oci_mempolicy_modes, &l->memory_policy->modes_len);
  l->memory_policy->flags = strv_from_null_terminated (oci_mempolicy_flags, &l->memory_policy->flags_len);
  return l;
}

static oci_map *
annotations (void)
{
  oci_map *m = xmalloc0 (sizeof *m);
  oci_map_set (m, "run.casing.version", PACKAGE_VERSION);
  oci_map_set (m, "run.casing.commit", GIT_COMMIT);
#ifdef HAVE_SECCOMP
  {
    const struct scmp_version *v = seccomp_version ();
    char buf[64];
    snprintf (buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->micro);
    oci_map_set (m, "io.github.seccomp.libseccomp.version", buf);
  }
#endif
  return m;
}

void
features_add_checkpoint (oci_features *f, const char *criu_path)
{
  char *version = NULL;
  bool works = criu_works (criu_path, &version);

  oci_map_set (f->annotations, "run.casing.checkpoint.enabled", works ? "true" : "false");
  if (version)
    oci_map_set (f->annotations, "run.casing.criu.version", version);
  free (version);
}

oci_features *
features_build (void)
{
  oci_features *f = xmalloc0 (sizeof *f);

  f->oci_version_min = xstrdup (OCI_SPEC_VERSION_MIN);
  f->oci_version_max = xstrdup (OCI_SPEC_VERSION);
  f->hooks = strv_from (hooks, N_ELEMENTS (hooks), &f->hooks_len);
  f->mount_options = known_mount_options (&f->mount_options_len);
  f->annotations = annotations ();
  f->potentially_unsafe_config_annotations
      = strv_from_null_terminated (container_unsafe_annotations, &f->potentially_unsafe_config_annotations_len);
  f->linux_ = linux_features ();
  return f;
}
