/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names linux.seccomp accepts, for validation and `casing features`;
 * available in a build without libseccomp too. */
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"
#include "seccomp_internal.h"

static const char *const actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

static const char *const operators[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};

static const unsigned int flag_bits[] = { 1U << 0, 1U << 1, 1U << 2, 1U << 5 };

const char *const *
seccomp_known_actions (void)
{
  return actions;
}

const char *const *
seccomp_known_operators (void)
{
  return operators;
}

const char *const *
seccomp_known_flags (void)
{
  return flags;
}

unsigned int
seccomp_flag_from_name (const char *name)
{
  for (size_t i = 0; flags[i]; i++)
    if (strcmp (flags[i], name) == 0)
      return flag_bits[i];
  return 0;
}

/* seccomp(2) checks the flags before it reads the program: a NULL program
 * gives EFAULT for a flag the kernel knows, EINVAL for one it does not. */
bool
seccomp_flag_supported (const char *name)
{
  unsigned int bit = seccomp_flag_from_name (name);
  if (bit == 0)
    return false;
  /* The kernel takes WAIT_KILLABLE_RECV only with a listener. */
  if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV_BIT)
    bit |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, bit, NULL) < 0 && errno == EFAULT;
}
