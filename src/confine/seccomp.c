/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compile linux.seccomp into a BPF program, in the validation: a bad
 * profile fails before anything is created, and the child only has to
 * load it. */
#include <errno.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "core/log.h"
#include "core/utils.h"
#include "names.h"
#include "seccomp_internal.h"

int
seccomp_program_listener_fd (const struct seccomp_program *prog)
{
  return prog ? prog->listener_sock : -1;
}

void
seccomp_program_free (struct seccomp_program *prog)
{
  if (prog == NULL)
    return;
  if (prog->listener_sock >= 0)
    close (prog->listener_sock);
  if (seccomp_loaded_program == prog)
    seccomp_loaded_program = NULL;
  free (prog->listener_path);
  free (prog->insns);
  free (prog);
}

#ifdef HAVE_SECCOMP

/* libseccomp's actions and operators, by the spec's names
 * (oci_seccomp_actions, oci_seccomp_operators). */
static const struct
{
  uint32_t action; /* without the errno of ERRNO and TRACE */
  bool takes_errno;
} actions[OCI_SCMP_ACT_COUNT] = {
  [OCI_SCMP_ACT_KILL] = { SCMP_ACT_KILL_THREAD, false },
  [OCI_SCMP_ACT_KILL_PROCESS] = { SCMP_ACT_KILL_PROCESS, false },
  [OCI_SCMP_ACT_KILL_THREAD] = { SCMP_ACT_KILL_THREAD, false },
  [OCI_SCMP_ACT_TRAP] = { SCMP_ACT_TRAP, false },
  [OCI_SCMP_ACT_ERRNO] = { SCMP_ACT_ERRNO (0), true },
  [OCI_SCMP_ACT_TRACE] = { SCMP_ACT_TRACE (0), true },
  [OCI_SCMP_ACT_ALLOW] = { SCMP_ACT_ALLOW, false },
  [OCI_SCMP_ACT_LOG] = { SCMP_ACT_LOG, false },
  [OCI_SCMP_ACT_NOTIFY] = { SCMP_ACT_NOTIFY, false },
};

static const enum scmp_compare operators[OCI_SCMP_CMP_COUNT] = {
  [OCI_SCMP_CMP_NE] = SCMP_CMP_NE, [OCI_SCMP_CMP_LT] = SCMP_CMP_LT, [OCI_SCMP_CMP_LE] = SCMP_CMP_LE,
  [OCI_SCMP_CMP_EQ] = SCMP_CMP_EQ, [OCI_SCMP_CMP_GE] = SCMP_CMP_GE, [OCI_SCMP_CMP_GT] = SCMP_CMP_GT,
  [OCI_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* `field` is the JSON path for messages; errno_ret applies to ERRNO/TRACE. */
static int
parse_action (const char *field, const char *name, bool has_errno, uint32_t errno_ret, uint32_t *out,
              casing_error_t *err)
{
  uint32_t e = has_errno ? errno_ret : EPERM;
  int i = oci_name_index (oci_seccomp_actions, name);

  if (i < 0)
    return casing_error_set (err, 0, "%s: unknown action \"%s\"", field, name);
  /* config-linux.md: an errno with an action that takes none is an error. */
  if (has_errno && ! actions[i].takes_errno)
    return casing_error_set (err, 0, "%s: %s does not take an errno return", field, name);
  if (actions[i].takes_errno && e > 0xffff)
    return casing_error_set (err, 0, "%s: errno return %u is out of range", field, e);
  *out = actions[i].takes_errno ? actions[i].action | (e & 0xffff) : actions[i].action;
  return 0;
}

static int
parse_op (const char *field, const char *name, enum scmp_compare *out, casing_error_t *err)
{
  int i = oci_name_index (oci_seccomp_operators, name);

  if (i < 0)
    return casing_error_set (err, 0, "%s: unknown operator \"%s\"", field, name);
  *out = operators[i];
  return 0;
}

/* Architectures this libseccomp does not know are skipped (the validation
 * warned): the filter cannot match them anyway. */
static int
add_arch (scmp_filter_ctx ctx, const char *name, casing_error_t *err)
{
  uint32_t token = seccomp_arch_token (name);
  int r;

  if (token == 0)
    {
      log_debug ("linux.seccomp.architectures: %s is unknown to libseccomp, skipped", name);
      return 0;
    }
  r = seccomp_arch_add (ctx, token);
  if (r < 0 && r != -EEXIST)
    return casing_error_set (err, -r, "linux.seccomp.architectures: add %s", name);
  return 0;
}

static bool
has_repeated_index (const oci_seccomp_syscall *s)
{
  for (size_t i = 0; i < s->args_len; i++)
    for (size_t j = i + 1; j < s->args_len; j++)
      if (s->args[i].index == s->args[j].index)
        return true;
  return false;
}

static int
add_rule (scmp_filter_ctx ctx, size_t ri, const oci_seccomp_syscall *s, uint32_t action, int nr,
          const char *name, casing_error_t *err)
{
  struct scmp_arg_cmp cmp[6];
  char field[96];
  bool split = has_repeated_index (s);
  size_t n = 0;
  int r;

  if (s->args_len > 6 && ! split)
    return casing_error_set (err, 0, "linux.seccomp.syscalls[%zu].args: more than 6 arguments", ri);
  for (size_t a = 0; a < s->args_len; a++)
    {
      const oci_seccomp_arg *arg = &s->args[a];
      enum scmp_compare op = SCMP_CMP_EQ;

      snprintf (field, sizeof field, "linux.seccomp.syscalls[%zu].args[%zu].op", ri, a);
      if (parse_op (field, arg->op, &op, err) < 0)
        return -1;
      if (arg->index > 5)
        return casing_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].index: %u is above 5", ri, a,
                                 arg->index);
      /* For MASKED_EQ `value` is the mask and `valueTwo` the datum, as in
       * libseccomp's SCMP_A0(SCMP_CMP_MASKED_EQ, mask, datum). */
      cmp[n++] = (struct scmp_arg_cmp) { arg->index, op, arg->value, arg->has_value_two ? arg->value_two : 0 };
      /* libseccomp wants one comparison per argument in a rule: several on
       * the same argument become separate rules, as runc and crun do. */
      if (split)
        {
          r = seccomp_rule_add_array (ctx, action, nr, 1, cmp);
          n = 0;
          if (r < 0 && r != -EEXIST)
            goto fail;
        }
    }
  if (split)
    return 0;
  r = seccomp_rule_add_array (ctx, action, nr, n, cmp);
  if (r >= 0)
    return 0;
fail:
  if (r == -EEXIST)
    {
      /* A second rule for the same syscall and arguments: the first wins. */
      log_debug ("linux.seccomp.syscalls[%zu]: duplicate rule ignored", ri);
      return 0;
    }
  return casing_error_set (err, -r, "linux.seccomp.syscalls[%zu]: add rule for \"%s\"", ri, name);
}

static int
add_syscalls (scmp_filter_ctx ctx, const oci_seccomp *sc, uint32_t default_action, bool *notify, casing_error_t *err)
{
  char field[64];

  for (size_t i = 0; i < sc->syscalls_len; i++)
    {
      const oci_seccomp_syscall *s = &sc->syscalls[i];
      uint32_t action;

      snprintf (field, sizeof field, "linux.seccomp.syscalls[%zu].action", i);
      if (parse_action (field, s->action, s->has_errno_ret, s->errno_ret, &action, err) < 0)
        return -1;
      if (action == SCMP_ACT_NOTIFY)
        *notify = true;
      /* libseccomp refuses a rule whose action is the default one; it would
       * change nothing anyway. */
      if (action == default_action)
        continue;
      for (size_t k = 0; k < s->names_len; k++)
        {
          int nr = seccomp_syscall_resolve_name (s->names[k]);
          if (nr == __NR_SCMP_ERROR)
            {
              /* Profiles list syscalls of newer kernels and other arches;
               * skipping them is what runc and crun do. */
              log_debug ("linux.seccomp.syscalls[%zu]: unknown syscall \"%s\" skipped", i, s->names[k]);
              continue;
            }
          if (add_rule (ctx, i, s, action, nr, s->names[k], err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
export_program (scmp_filter_ctx ctx, struct seccomp_program *prog, casing_error_t *err)
{
  cleanup_close int fd = memfd_create ("casing-seccomp", MFD_CLOEXEC);
  cleanup_free char *buf = NULL;
  size_t len;
  int r;

  if (fd < 0)
    return casing_error_errno (err, "linux.seccomp: memfd_create");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return casing_error_set (err, -r, "linux.seccomp: export the filter");
  if (lseek (fd, 0, SEEK_SET) < 0)
    return casing_error_errno (err, "linux.seccomp: lseek");
  if (read_all_fd (fd, "seccomp program", &buf, &len, err) < 0)
    return -1;
  if (len == 0 || len % sizeof (struct sock_filter) != 0 || len / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return casing_error_set (err, 0, "linux.seccomp: the compiled filter has %zu instructions (the kernel takes %d)",
                             len / sizeof (struct sock_filter), BPF_MAXINSNS);
  prog->insns = (struct sock_filter *) steal_pointer (&buf);
  prog->len = len / sizeof (struct sock_filter);
  return 0;
}

static int
compile (scmp_filter_ctx ctx, const oci_seccomp *sc, uint32_t default_action, struct seccomp_program *prog,
         casing_error_t *err)
{
  for (size_t i = 0; i < sc->architectures_len; i++)
    if (add_arch (ctx, sc->architectures[i], err) < 0)
      return -1;
  for (size_t i = 0; i < sc->flags_len; i++)
    {
      unsigned int bit = seccomp_flag_bit (sc->flags[i]);
      if (bit == 0)
        return casing_error_set (err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, sc->flags[i]);
      prog->flags |= bit;
    }
  if (add_syscalls (ctx, sc, default_action, &prog->notify, err) < 0)
    return -1;
  if (prog->notify && sc->listener_path == NULL)
    return casing_error_set (err, 0, "linux.seccomp: SCMP_ACT_NOTIFY is used but listenerPath is not set");
  if (sc->listener_metadata && sc->listener_path == NULL)
    return casing_error_set (err, 0, "linux.seccomp.listenerMetadata: set without listenerPath");
  return export_program (ctx, prog, err);
}

int
seccomp_compile (const oci_seccomp *sc, struct seccomp_program **out, casing_error_t *err)
{
  struct seccomp_program *prog;
  uint32_t default_action;
  scmp_filter_ctx ctx;
  int r;

  *out = NULL;
  if (sc == NULL)
    return 0;
  if (parse_action ("linux.seccomp.defaultAction", sc->default_action, sc->has_default_errno_ret,
                    sc->default_errno_ret, &default_action, err) < 0)
    return -1;
  ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return casing_error_set (err, 0, "linux.seccomp: seccomp_init failed");
  prog = xmalloc0 (sizeof *prog);
  prog->listener_sock = -1;
  prog->notify = default_action == SCMP_ACT_NOTIFY;
  r = compile (ctx, sc, default_action, prog, err);
  seccomp_release (ctx);
  if (r == 0)
    r = seccomp_check_execve (prog, err);
  if (r < 0)
    {
      seccomp_program_free (prog);
      return -1;
    }
  *out = prog;
  return 0;
}

#else /* ! HAVE_SECCOMP */

int
seccomp_compile (const oci_seccomp *sc, struct seccomp_program **out, casing_error_t *err)
{
  *out = NULL;
  if (sc == NULL)
    return 0;
  return casing_error_set (err, 0, "linux.seccomp: casing was built without libseccomp");
}

#endif

int
seccomp_connect_listener (struct seccomp_program *prog, const oci_seccomp *sc, casing_error_t *err)
{
  if (prog == NULL || ! prog->notify || prog->listener_sock >= 0)
    return 0;
  prog->listener_sock = seccomp_listener_connect (sc->listener_path, err);
  if (prog->listener_sock < 0)
    return casing_error_prefix (err, "linux.seccomp.listenerPath");
  prog->listener_path = xstrdup (sc->listener_path);
  return 0;
}

int
seccomp_prepare (const oci_seccomp *sc, struct seccomp_program **out, casing_error_t *err)
{
  if (seccomp_compile (sc, out, err) < 0)
    return -1;
  if (seccomp_connect_listener (*out, sc, err) < 0)
    {
      seccomp_program_free (*out);
      *out = NULL;
      return -1;
    }
  return 0;
}
