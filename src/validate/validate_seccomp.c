/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: compiled here, once (the program `create` hands to the
 * container's init; `check` frees it), never connected to its listener;
 * plus what only this host can answer: the architectures and syscalls
 * libseccomp knows, the flags and notifications the kernel takes, the
 * listener's socket. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "confine/host.h"
#include "confine/names.h"
#include "core/utils.h"
#include "validate_checks.h"

static bool
uses_notify (const oci_seccomp *s)
{
  if (oci_name_index (oci_seccomp_actions, s->default_action) == OCI_SCMP_ACT_NOTIFY)
    return true;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (oci_name_index (oci_seccomp_actions, s->syscalls[i].action) == OCI_SCMP_ACT_NOTIFY)
      return true;
  return false;
}

/* Names this libseccomp does not know are skipped by the compiler, as
 * runc and crun do: a profile lists syscalls of newer kernels and
 * architectures the host has not. */
static void
check_names (const oci_seccomp *s, struct problem_list *out)
{
#ifdef HAVE_SECCOMP
  for (size_t i = 0; i < s->architectures_len; i++)
    if (seccomp_arch_token (s->architectures[i]) == 0)
      {
        char path[64];
        snprintf (path, sizeof path, "linux.seccomp.architectures[%zu]", i);
        problems_add (out, PROBLEM_WARNING, path, "the filter cannot match it anyway: it is skipped",
                      "%s is not supported by libseccomp %u.%u", s->architectures[i], seccomp_version ()->major,
                      seccomp_version ()->minor);
      }
  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t j = 0; j < s->syscalls[i].names_len; j++)
      if (seccomp_syscall_resolve_name (s->syscalls[i].names[j]) == __NR_SCMP_ERROR)
        {
          char path[80];
          snprintf (path, sizeof path, "linux.seccomp.syscalls[%zu].names[%zu]", i, j);
          problems_add (out, PROBLEM_WARNING, path, "the rule is skipped for it, as crun does",
                        "syscall \"%s\" is unknown to libseccomp", s->syscalls[i].names[j]);
        }
#else
  (void) s;
  (void) out;
#endif
}

/* The kernel refuses a flag it does not know; WAIT_KILLABLE_RECV is
 * dropped when nothing notifies (seccomp_load.c). */
static void
check_kernel (const oci_seccomp *s, struct problem_list *out)
{
  bool notify = uses_notify (s);
  struct stat st;

  for (size_t i = 0; i < s->flags_len; i++)
    if (!seccomp_flag_supported (s->flags[i])
        && (notify || oci_name_index (oci_seccomp_flags, s->flags[i]) != OCI_SECCOMP_FLAG_WAIT_KILLABLE_RECV))
      {
        char path[64];
        snprintf (path, sizeof path, "linux.seccomp.flags[%zu]", i);
        problems_add (out, PROBLEM_ERROR, path, "`casing features` lists the supportedFlags",
                      "%s is not supported by the running kernel", s->flags[i]);
      }
  if (notify && !seccomp_notify_supported ())
    problems_add (out, PROBLEM_ERROR, "linux.seccomp", NULL, "SCMP_ACT_NOTIFY is not supported by the running kernel");
  /* `create` connects to it (validation never does). */
  if (notify && s->listener_path && (stat (s->listener_path, &st) < 0 || !S_ISSOCK (st.st_mode)))
    problems_add (out, PROBLEM_ERROR, "linux.seccomp.listenerPath", "the agent must listen there before `create`",
                  "`%s` is not a socket", s->listener_path);
}

void
validate_seccomp (const oci_seccomp *s, struct problem_list *out, struct seccomp_program **prog)
{
  cleanup_casing_error casing_error_t err = NULL;
  struct seccomp_program *p = NULL;

  if (!seccomp_built ())
    {
      problems_add (out, PROBLEM_ERROR, "linux.seccomp", "rebuild with --enable-seccomp",
                    "casing was built without libseccomp");
      return;
    }
  check_names (s, out);
  check_kernel (s, out);
  if (seccomp_compile (s, &p, &err) < 0)
    {
      problems_add_error (out, "linux.seccomp", NULL, err);
      return;
    }
  if (prog)
    *prog = p;
  else
    seccomp_program_free (p);
}
