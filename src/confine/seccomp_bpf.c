/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A classic BPF interpreter for seccomp programs, so that the runtime can
 * ask what its own filter will do to a syscall before loading it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "seccomp_internal.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_RISCV64
#else
#define NATIVE_AUDIT_ARCH 0
#endif

static uint32_t
load_word (const struct seccomp_data *d, uint32_t off, bool *ok)
{
  uint32_t v;
  if (off % 4 != 0 || off + 4 > sizeof *d)
    {
      *ok = false;
      return 0;
    }
  memcpy (&v, (const char *) d + off, 4);
  return v;
}

static uint32_t
alu (uint16_t op, uint32_t a, uint32_t b, bool *ok)
{
  switch (BPF_OP (op))
    {
    case BPF_ADD: return a + b;
    case BPF_SUB: return a - b;
    case BPF_MUL: return a * b;
    case BPF_DIV: if (b == 0) *ok = false; return b ? a / b : 0;
    case BPF_MOD: if (b == 0) *ok = false; return b ? a % b : 0;
    case BPF_AND: return a & b;
    case BPF_OR: return a | b;
    case BPF_XOR: return a ^ b;
    case BPF_LSH: return b < 32 ? a << b : 0;
    case BPF_RSH: return b < 32 ? a >> b : 0;
    case BPF_NEG: return -a;
    default: *ok = false; return 0;
    }
}

static bool
jump_taken (uint16_t op, uint32_t a, uint32_t b)
{
  switch (BPF_OP (op))
    {
    case BPF_JEQ: return a == b;
    case BPF_JGT: return a > b;
    case BPF_JGE: return a >= b;
    case BPF_JSET: return (a & b) != 0;
    default: return false;
    }
}

/* Invalid programs (the kernel would refuse them) give KILL_PROCESS. */
static uint32_t
run (const struct sock_filter *p, size_t len, const struct seccomp_data *d)
{
  uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
  bool ok = true;

  for (size_t pc = 0; pc < len && ok; pc++)
    {
      const struct sock_filter *i = &p[pc];
      uint32_t src = BPF_SRC (i->code) == BPF_X ? X : i->k;

      switch (BPF_CLASS (i->code))
        {
        case BPF_LD:
          if (BPF_MODE (i->code) == BPF_ABS && BPF_SIZE (i->code) == BPF_W)
            A = load_word (d, i->k, &ok);
          else if (BPF_MODE (i->code) == BPF_IMM)
            A = i->k;
          else if (BPF_MODE (i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
            A = M[i->k];
          else if (BPF_MODE (i->code) == BPF_LEN)
            A = sizeof *d;
          else
            ok = false;
          break;
        case BPF_LDX:
          if (BPF_MODE (i->code) == BPF_IMM)
            X = i->k;
          else if (BPF_MODE (i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
            X = M[i->k];
          else if (BPF_MODE (i->code) == BPF_LEN)
            X = sizeof *d;
          else
            ok = false;
          break;
        case BPF_ST:
        case BPF_STX:
          if (i->k >= BPF_MEMWORDS)
            ok = false;
          else
            M[i->k] = BPF_CLASS (i->code) == BPF_ST ? A : X;
          break;
        case BPF_ALU:
          A = alu (i->code, A, src, &ok);
          break;
        case BPF_JMP:
          if (BPF_OP (i->code) == BPF_JA)
            pc += i->k;
          else
            pc += jump_taken (i->code, A, src) ? i->jt : i->jf;
          break;
        case BPF_RET:
          return BPF_RVAL (i->code) == BPF_A ? A : i->k;
        case BPF_MISC:
          if (BPF_MISCOP (i->code) == BPF_TAX)
            X = A;
          else
            A = X;
          break;
        default:
          ok = false;
        }
    }
  return SECCOMP_RET_KILL_PROCESS;
}

uint32_t
seccomp_simulate (const struct seccomp_program *prog, int nr, const uint64_t args[6])
{
  struct seccomp_data d = { .nr = nr, .arch = NATIVE_AUDIT_ARCH };

  for (int i = 0; i < 6; i++)
    d.args[i] = args ? args[i] : 0;
  return run (prog->insns, prog->len, &d);
}

static bool
blocks (uint32_t ret)
{
  switch (ret & SECCOMP_RET_ACTION_FULL)
    {
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_TRAP:
    case SECCOMP_RET_ERRNO:
      return true;
    default:
      /* ALLOW, LOG; TRACE and USER_NOTIF leave it to a tracer or an agent. */
      return false;
    }
}

static const char *
action_name (uint32_t ret)
{
  switch (ret & SECCOMP_RET_ACTION_FULL)
    {
    case SECCOMP_RET_KILL_PROCESS: return oci_seccomp_actions[OCI_SCMP_ACT_KILL_PROCESS];
    case SECCOMP_RET_KILL_THREAD: return oci_seccomp_actions[OCI_SCMP_ACT_KILL];
    case SECCOMP_RET_TRAP: return oci_seccomp_actions[OCI_SCMP_ACT_TRAP];
    default: return oci_seccomp_actions[OCI_SCMP_ACT_ERRNO];
    }
}

static bool
allows (const struct seccomp_program *prog, int nr, const uint64_t args[6])
{
  return NATIVE_AUDIT_ARCH == 0 || !blocks (seccomp_simulate (prog, nr, args));
}

bool
seccomp_program_allows_execveat (const struct seccomp_program *prog)
{
  const uint64_t empty_path[6] = { 0, 0, 0, 0, AT_EMPTY_PATH, 0 }, by_name[6] = { 0 };

  return allows (prog, SYS_execveat, empty_path) && allows (prog, SYS_execveat, by_name);
}

bool
seccomp_program_allows_clone (const struct seccomp_program *prog, uint64_t flags)
{
  const uint64_t args[6] = { flags, 0, 0, 0, 0, 0 };

  return allows (prog, SYS_clone, args);
}

int
seccomp_check_execve (const struct seccomp_program *prog, casing_error_t *err)
{
  static const uint64_t zero[6] = { 0 };
  static const uint64_t ones[6] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL };
  uint32_t r0, r1;

  if (NATIVE_AUDIT_ARCH == 0 || seccomp_program_allows_execveat (prog))
    return 0;
  r0 = seccomp_simulate (prog, SYS_execve, zero);
  r1 = seccomp_simulate (prog, SYS_execve, ones);
  /* Rules on execve's (pointer) arguments are unusual; only a verdict that
   * holds whatever the arguments is reported.  The container process is
   * executed with execveat, or execve when only that one is allowed. */
  if (blocks (r0) && blocks (r1))
    {
      if ((r0 & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
        return casing_error_set (err, 0,
                                 "linux.seccomp: the seccomp profile blocks execve and execveat (SCMP_ACT_ERRNO, "
                                 "errno %u): the container process could never be started",
                                 r0 & SECCOMP_RET_DATA);
      return casing_error_set (err, 0,
                               "linux.seccomp: the seccomp profile blocks execve and execveat (%s): "
                               "the container process could never be started",
                               action_name (r0));
    }
  return 0;
}
