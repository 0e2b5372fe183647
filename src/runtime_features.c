/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <string.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif
#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "isolation/isolation.h"
#include "runtime_features.h"
#include "utils.h"

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

static const char *const namespaces[] = {
  "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
};


/* Straight from the table the mount code parses options with. */
static char **
known_mount_options (size_t *len)
{
  const char *const *names = mount_options_known ();
  size_t n = 0;

  while (names[n])
    n++;
  return strv_from (names, n, len);
}

#ifdef HAVE_LIBCAP
/* Every capability libcap can name; the kernel may know fewer (create
 * skips those with a warning). */
static char **
known_capabilities (size_t *len)
{
  char **v = xmalloc0 (64 * sizeof (char *));
  size_t n = 0;

  for (cap_value_t c = 0; c < 64 && n < 64; c++)
    {
      char *name = cap_to_name (c);
      if (name == NULL)
        continue;
      if (strncmp (name, "cap_", 4) == 0)
        {
          char *up = xstrdup (name);
          for (char *p = up; *p; p++)
            *p = toupper ((unsigned char) *p);
          v[n++] = up;
        }
      cap_free (name);
    }
  *len = n;
  return v;
}
#endif

#ifdef HAVE_SECCOMP
static const char *const seccomp_actions[] = {
  "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

static const char *const seccomp_operators[] = {
  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
  "SCMP_CMP_NE",
};

static const char *const seccomp_known_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

static const char *const seccomp_archs[] = {
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
  "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
  "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_X32", "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64",
};

/* Only the architectures this libseccomp can resolve. */
static char **
supported_archs (size_t *len)
{
  char **v = xmalloc0 (N_ELEMENTS (seccomp_archs) * sizeof (char *));
  size_t n = 0;
  for (size_t i = 0; i < N_ELEMENTS (seccomp_archs); i++)
    {
      cleanup_free char *lower = xstrdup (seccomp_archs[i] + strlen ("SCMP_ARCH_"));
      for (char *p = lower; *p; p++)
        *p = tolower ((unsigned char) *p);
      if (seccomp_arch_resolve_name (lower) != 0)
        v[n++] = xstrdup (seccomp_archs[i]);
    }
  *len = n;
  return v;
}

/* Flags the kernel and libseccomp both support (API level tells which). */
static char **
supported_flags (size_t *len)
{
  const char *names[4];
  size_t n = 0;
  unsigned int api = seccomp_api_get ();

  names[n++] = "SECCOMP_FILTER_FLAG_TSYNC";
  if (api >= 3)
    names[n++] = "SECCOMP_FILTER_FLAG_LOG";
  if (api >= 4)
    names[n++] = "SECCOMP_FILTER_FLAG_SPEC_ALLOW";
#ifdef SCMP_FLTATR_CTL_WAITKILL
  if (api >= 7)
    names[n++] = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV";
#endif
  return strv_from (names, n, len);
}

static oci_features_seccomp *
seccomp_features (void)
{
  oci_features_seccomp *s = xmalloc0 (sizeof *s);
  s->has_enabled = true;
  s->enabled = true;
  s->actions = strv_from (seccomp_actions, N_ELEMENTS (seccomp_actions), &s->actions_len);
  s->operators = strv_from (seccomp_operators, N_ELEMENTS (seccomp_operators), &s->operators_len);
  s->archs = supported_archs (&s->archs_len);
  s->known_flags = strv_from (seccomp_known_flags, N_ELEMENTS (seccomp_known_flags),
                              &s->known_flags_len);
  s->supported_flags = supported_flags (&s->supported_flags_len);
  return s;
}
#endif

static oci_features_linux *
linux_features (void)
{
  oci_features_linux *l = xmalloc0 (sizeof *l);

  l->namespaces = strv_from (namespaces, N_ELEMENTS (namespaces), &l->namespaces_len);
#ifdef HAVE_LIBCAP
  l->capabilities = known_capabilities (&l->capabilities_len);
#endif
  l->cgroup = xmalloc0 (sizeof *l->cgroup);
  l->cgroup->has_v1 = l->cgroup->v1 = true;
  l->cgroup->has_v2 = l->cgroup->v2 = true;
  l->cgroup->has_systemd = true;
  l->cgroup->systemd = false;
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

oci_features *
features_build (void)
{
  oci_features *f = xmalloc0 (sizeof *f);

  f->oci_version_min = xstrdup (OCI_SPEC_VERSION_MIN);
  f->oci_version_max = xstrdup (OCI_SPEC_VERSION);
  f->hooks = strv_from (hooks, N_ELEMENTS (hooks), &f->hooks_len);
  f->mount_options = known_mount_options (&f->mount_options_len);
  f->annotations = annotations ();
  f->linux_ = linux_features ();
  return f;
}
