/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "version.h"
#include "ocispec.h"

void
print_version (FILE *out)
{
  fprintf (out, "casing version %s\n", PACKAGE_VERSION);
  fprintf (out, "commit: %s\n", GIT_COMMIT);
  fprintf (out, "spec: %s\n", OCI_SPEC_VERSION);
  fputs ("features:", out);
  fputs (" +YAJL", out);
#ifdef HAVE_LIBCAP
  fputs (" +CAP", out);
#else
  fputs (" -CAP", out);
#endif
#ifdef HAVE_SECCOMP
  fputs (" +SECCOMP", out);
#else
  fputs (" -SECCOMP", out);
#endif
#ifdef HAVE_SELINUX
  fputs (" +SELINUX", out);
#else
  fputs (" -SELINUX", out);
#endif
#ifdef HAVE_APPARMOR
  fputs (" +APPARMOR", out);
#else
  fputs (" -APPARMOR", out);
#endif
#ifdef HAVE_LIBSYSTEMD
  fputs (" +SYSTEMD", out);
#else
  fputs (" -SYSTEMD", out);
#endif
  fputc ('\n', out);
}
