/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device rules to a cgroup v2 device program, as raw instructions (no
 * libbpf, no compiler at run time).  The program sees
 * struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
 * with the device type in the low 16 bits of access_type and the requested
 * access in the high 16 bits. */
#include <string.h>

#include "devices.h"
#include "core/utils.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

enum
{
  R0 = 0, R1, R2, R3, R4, R5, R6, R7
};

struct prog
{
  struct bpf_insn *insns;
  size_t n;
};

static void
emit (struct prog *p, struct bpf_insn insn)
{
  p->insns = xrealloc (p->insns, (p->n + 1) * sizeof (*p->insns));
  p->insns[p->n++] = insn;
}

static void
emit_prologue (struct prog *p)
{
  emit (p, INSN (BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0));
  emit (p, INSN (BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0));
  emit (p, INSN (BPF_ALU64 | BPF_AND | BPF_K, R3, 0, 0, 0xffff)); /* r3: type */
  emit (p, INSN (BPF_ALU64 | BPF_MOV | BPF_X, R4, R2, 0, 0));
  emit (p, INSN (BPF_ALU64 | BPF_RSH | BPF_K, R4, 0, 0, 16)); /* r4: access */
  emit (p, INSN (BPF_LDX | BPF_MEM | BPF_W, R5, R1, 4, 0));  /* r5: major */
  emit (p, INSN (BPF_LDX | BPF_MEM | BPF_W, R6, R1, 8, 0));  /* r6: minor */
}

/* One rule: every test jumps to the end of the block when it fails; the
 * jumps are patched once the block length is known. */
static void
emit_rule (struct prog *p, const struct device_rule *r)
{
  size_t jumps[4];
  int nj = 0;

  if (r->type != 'a')
    {
      jumps[nj++] = p->n;
      emit (p, INSN (BPF_JMP | BPF_JNE | BPF_K, R3, 0, 0, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    }
  /* An allow rule must cover all of the requested access; a deny rule hits
   * as soon as it covers part of it. */
  if ((r->access & DEVICE_ACC_ALL) != DEVICE_ACC_ALL)
    {
      emit (p, INSN (BPF_ALU64 | BPF_MOV | BPF_X, R7, R4, 0, 0));
      emit (p, INSN (BPF_ALU64 | BPF_AND | BPF_K, R7, 0, 0, (int) (r->allow ? (~r->access & DEVICE_ACC_ALL) : r->access)));
      jumps[nj++] = p->n;
      emit (p, INSN (BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K, R7, 0, 0, 0));
    }
  if (r->type != 'a' && r->major >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, INSN (BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, (int) r->major));
    }
  if (r->type != 'a' && r->minor >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, INSN (BPF_JMP | BPF_JNE | BPF_K, R6, 0, 0, (int) r->minor));
    }
  emit (p, INSN (BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0));
  emit (p, INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  for (int i = 0; i < nj; i++)
    p->insns[jumps[i]].off = (short) (p->n - jumps[i] - 1);
}

size_t
device_rules_to_bpf (const struct device_rule *rules, size_t n, struct bpf_insn **out)
{
  struct prog p = { NULL, 0 };
  bool ended = false;
  emit_prologue (&p);
  for (size_t i = n; i > 0; i--)
    {
      emit_rule (&p, &rules[i - 1]);
      /* A rule matching everything ends the search: what follows is dead
       * code the verifier would reject as unreachable. */
      if (rules[i - 1].type == 'a' && (rules[i - 1].access & DEVICE_ACC_ALL) == DEVICE_ACC_ALL)
        {
          ended = true;
          break;
        }
    }
  if (!ended)
    {
      emit (&p, INSN (BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0));
      emit (&p, INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    }
  *out = p.insns;
  return p.n;
}
