/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the names of linux.seccomp (ocispec_names.h) are to the kernel and
 * to libseccomp, for the compiler, the validation and `casing features`;
 * available in a build without libseccomp too. */
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "core/utils.h"
#include "host.h"
#include "names.h"
#include "seccomp_internal.h"

static const unsigned int flag_bits[OCI_SECCOMP_FLAG_COUNT] = {
  [OCI_SECCOMP_FLAG_TSYNC] = SECCOMP_FILTER_FLAG_TSYNC,
  [OCI_SECCOMP_FLAG_LOG] = 1U << 1,
  [OCI_SECCOMP_FLAG_SPEC_ALLOW] = 1U << 2,
  [OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV] = SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV_BIT,
};

unsigned int
seccomp_flag_bit (const char *name)
{
  int i = oci_name_index (oci_seccomp_flags, name);
  return i < 0 ? 0 : flag_bits[i];
}

/* seccomp(2) checks the flags before it reads the program: a NULL program
 * gives EFAULT for a flag the kernel knows, EINVAL for one it does not. */
static bool
kernel_takes_flags (unsigned int bits)
{
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, bits, NULL) < 0 && errno == EFAULT;
}

bool
seccomp_flag_supported (const char *name)
{
  unsigned int bit = seccomp_flag_bit (name);
  if (bit == 0)
    return false;
  /* The kernel takes WAIT_KILLABLE_RECV only with a listener. */
  if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV_BIT)
    bit |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return kernel_takes_flags (bit);
}

bool
seccomp_notify_supported (void)
{
  return kernel_takes_flags (SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

#ifdef HAVE_SECCOMP

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64": the one place the spec's
 * spelling is turned into libseccomp's. */
uint32_t
seccomp_arch_token (const char *spec_name)
{
  char lower[32];
  size_t n;

  if (strncmp (spec_name, "SCMP_ARCH_", 10) != 0 || (n = strlen (spec_name + 10)) == 0 || n >= sizeof lower)
    return 0;
  for (size_t k = 0; k <= n; k++)
    lower[k] = (char) tolower ((unsigned char) spec_name[10 + k]);
  return seccomp_arch_resolve_name (lower);
}

bool
seccomp_built (void)
{
  return true;
}

#else /* ! HAVE_SECCOMP */

uint32_t
seccomp_arch_token (const char *spec_name)
{
  (void) spec_name;
  return 0;
}

bool
seccomp_built (void)
{
  return false;
}

#endif

const char **
seccomp_known_archs (void)
{
  size_t n = 0, k = 0;
  const char **out;

  while (oci_seccomp_archs[n])
    n++;
  out = xmalloc0 ((n + 1) * sizeof *out);
  for (size_t i = 0; i < n; i++)
    if (seccomp_arch_token (oci_seccomp_archs[i]) != 0)
      out[k++] = oci_seccomp_archs[i];
  return out;
}
