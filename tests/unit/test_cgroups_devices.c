/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device rules -> BPF program: what the generated program decides, checked
 * with a tiny interpreter; and, as root, that the kernel's verifier accepts
 * it and that it really blocks opening a device once attached to a cgroup2
 * directory (this works on a hybrid host too). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup_internal.h"
#include "cgroups/devices.h"
#include "unit_test.h"
#include "core/utils.h"

static struct bpf_insn *prog;
static size_t prog_len;

/* The oracle: what the program decides, by a small interpreter of the
 * instructions device_rules_to_bpf emits: 1 allow, 0 deny, -1 an
 * instruction it does not know. */
static int
step_alu (uint64_t *reg, const struct bpf_insn *in)
{
  switch (in->code)
    {
    case BPF_ALU64 | BPF_MOV | BPF_X: reg[in->dst_reg] = reg[in->src_reg]; return 0;
    case BPF_ALU64 | BPF_MOV | BPF_K: reg[in->dst_reg] = (uint64_t) (int64_t) in->imm; return 0;
    case BPF_ALU64 | BPF_AND | BPF_K: reg[in->dst_reg] &= (uint64_t) (int64_t) in->imm; return 0;
    case BPF_ALU64 | BPF_RSH | BPF_K: reg[in->dst_reg] >>= in->imm; return 0;
    default: return -1;
    }
}

static int
device_bpf_interpret (const struct bpf_insn *insns, size_t n, char type, uint32_t major, uint32_t minor,
                      unsigned access)
{
  uint32_t ctx[3] = { (access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), major, minor };
  uint64_t reg[11] = { 0 };
  for (size_t pc = 0; pc < n; pc++)
    {
      const struct bpf_insn *in = &insns[pc];
      uint64_t imm = (uint64_t) (int64_t) in->imm;
      switch (in->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          if (in->src_reg != BPF_REG_1 || in->off < 0 || in->off > 8 || in->off % 4)
            return -1;
          reg[in->dst_reg] = ctx[in->off / 4];
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (reg[in->dst_reg] != imm)
            pc += in->off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (reg[in->dst_reg] == imm)
            pc += in->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int) reg[BPF_REG_0];
        default:
          if (step_alu (reg, in) < 0)
            return -1;
        }
    }
  return -1;
}

static int
decide (char type, uint32_t major, uint32_t minor, const char *acc)
{
  unsigned a = 0;
  for (; *acc; acc++)
    a |= *acc == 'r' ? DEVICE_ACC_READ : *acc == 'w' ? DEVICE_ACC_WRITE : DEVICE_ACC_MKNOD;
  return device_bpf_interpret (prog, prog_len, type, major, minor, a);
}

static void
compile (const oci_device_cgroup *res, size_t n_res, const oci_device *devs, size_t n_devs)
{
  casing_error_t err = NULL;
  struct device_rule *rules = NULL;
  size_t n = 0;
  free (prog);
  CHECK (device_rules_build (res, n_res, devs, n_devs, &rules, &n, &err) == 0);
  prog_len = device_rules_to_bpf (rules, n, &prog);
  free (rules);
}

static void
test_defaults (void)
{
  compile (NULL, 0, NULL, 0);
  CHECK (decide ('c', 1, 3, "rw") == 1);  /* null */
  CHECK (decide ('c', 1, 9, "r") == 1);   /* urandom */
  CHECK (decide ('c', 5, 2, "rwm") == 1); /* ptmx */
  CHECK (decide ('c', 136, 7, "rw") == 1);
  CHECK (decide ('c', 5, 1, "w") == 1);   /* console */
  CHECK (decide ('b', 8, 0, "m") == 1);   /* mknod of anything */
  CHECK (decide ('b', 8, 0, "r") == 0);
  CHECK (decide ('c', 10, 200, "rw") == 0);
  CHECK (decide ('c', 4, 1, "r") == 0);
  CHECK (decide ('c', 1, 3, "") == 0 || decide ('c', 1, 3, "") == 1);
}

static void
test_config_rules (void)
{
  oci_device_cgroup res[] = {
    { .allow = false, .access = (char *) "rwm" },
    { .allow = true, .type = (char *) "c", .has_major = true, .major = 10, .has_minor = true, .minor = 200,
      .access = (char *) "rwm" },
    { .allow = true, .type = (char *) "b", .has_major = true, .major = 8, .access = (char *) "r" },
  };
  oci_device devs[] = {
    { .type = (char *) "c", .path = (char *) "/dev/fuse", .has_major = true, .major = 10, .has_minor = true, .minor = 229 },
    { .type = (char *) "p", .path = (char *) "/dev/fifo" },
  };
  compile (res, 3, devs, 2);
  CHECK (decide ('c', 10, 200, "rw") == 1);
  CHECK (decide ('c', 10, 229, "rw") == 1);
  CHECK (decide ('b', 8, 16, "r") == 1);
  CHECK (decide ('b', 8, 16, "rw") == 0);
  CHECK (decide ('b', 9, 0, "r") == 0);
  CHECK (decide ('c', 10, 201, "r") == 0);

  oci_device_cgroup all[] = { { .allow = true, .type = (char *) "a", .access = (char *) "rwm" } };
  compile (all, 1, NULL, 0);
  CHECK (decide ('b', 8, 0, "rw") == 1);
  CHECK (decide ('c', 99, 99, "rwm") == 1);

  casing_error_t err = NULL;
  struct device_rule *rules = NULL;
  size_t n;
  oci_device_cgroup bad[] = { { .allow = true, .type = (char *) "x" } };
  CHECK (device_rules_build (bad, 1, NULL, 0, &rules, &n, &err) < 0 && strstr (err->msg, "devices[0].type"));
  casing_error_release (&err);
  oci_device_cgroup bad_acc[] = { { .allow = true, .access = (char *) "rwx" } };
  CHECK (device_rules_build (bad_acc, 1, NULL, 0, &rules, &n, &err) < 0 && strstr (err->msg, "access"));
  casing_error_release (&err);
}

static void
test_later_rule_wins (void)
{
  struct device_rule rules[] = {
    { false, 'a', -1, -1, DEVICE_ACC_ALL },
    { true, 'c', 1, 3, DEVICE_ACC_ALL },
    { false, 'c', 1, 3, DEVICE_ACC_WRITE },
    { true, 'a', -1, -1, DEVICE_ACC_READ },
  };
  free (prog);
  prog_len = device_rules_to_bpf (rules, 4, &prog);
  CHECK (decide ('c', 1, 3, "r") == 1);
  CHECK (decide ('c', 1, 3, "w") == 0);
  CHECK (decide ('c', 1, 3, "rw") == 0); /* a deny of w hits a request of rw */
  CHECK (decide ('c', 1, 3, "m") == 1);
  CHECK (decide ('b', 7, 7, "r") == 1);
  CHECK (decide ('b', 7, 7, "w") == 0);

  char line[64];
  device_rule_format (&rules[2], line, sizeof line);
  CHECK_STR (line, "c 1:3 w");
  device_rule_format (&rules[0], line, sizeof line);
  CHECK_STR (line, "a *:* rwm");
}

static int
child_open (const char *path)
{
  int fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return errno;
  close (fd);
  return 0;
}

/* Attach the default program to a fresh cgroup2 directory and open devices
 * from a child inside it. */
static void
test_kernel (void)
{
  casing_error_t err = NULL;
  struct cgroup_host host;
  if (geteuid () != 0 || cgroup_host_detect (&host, &err) < 0 || host.v2 < 0)
    {
      casing_error_release (&err);
      SKIP_TEST ("needs root and a cgroup2 hierarchy");
    }
  struct cgroup_hierarchy *h = &host.h[host.v2];
  struct cgroup_dir d = { .h = h, .fd = -1 };
  xasprintf (&d.full, "%s/casing-unit-dev-%d", h->mountpoint, (int) getpid ());
  CHECK (mkdir (d.full, 0755) == 0);
  d.fd = open (d.full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct device_rule *rules = NULL;
  size_t n = 0;
  CHECK (device_rules_build (NULL, 0, NULL, 0, &rules, &n, &err) == 0);
  int r = cgroup_devices_bpf_apply (&d, rules, n, &err);
  CHECK (r == 0);
  if (r < 0)
    fprintf (stderr, "%s\n", err->msg);
  /* Applying again replaces the program instead of stacking a second one. */
  CHECK (cgroup_devices_bpf_apply (&d, rules, n, &err) == 0);
  /* /dev/kmsg's numbers, not in the default allow list. */
  char node[64];
  snprintf (node, sizeof node, "/tmp/casing-unit-kmsg-%d", (int) getpid ());
  CHECK (mknod (node, S_IFCHR | 0600, makedev (1, 11)) == 0);
  pid_t pid = fork ();
  if (pid == 0)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "%d", (int) getpid ());
      if (write_file_at (d.fd, "cgroup.procs", buf, strlen (buf), &err) < 0)
        {
          fprintf (stderr, "%s\n", err->msg);
          _exit (100);
        }
      int a = child_open ("/dev/null"), b = child_open (node);
      _exit (a == 0 && b == EPERM ? 0 : 1 + (a ? 1 : 0) + (b ? 2 : 0));
    }
  int status = 0;
  waitpid (pid, &status, 0);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    fprintf (stderr, "child status %x\n", status);
  unlink (node);
  close (d.fd);
  CHECK (rmdir (d.full) == 0);
  free (d.full);
  free (rules);
  cgroup_host_free (&host);
}

/* The oracle for the v1 plan: the kernel's exception list in deny-by-default
 * mode (an allow adds access bits to the exception of that exact key, a
 * deny takes them away), as a small table of (type, major, minor) -> bits. */
#define SIM_MAX 64
struct v1_sim
{
  struct device_rule ex[SIM_MAX];
  size_t n;
};

static void
sim_write (struct v1_sim *s, const struct device_rule *r)
{
  size_t i;
  if (r->type == 'a')
    {
      s->n = 0; /* deny "a": deny-all, no exception left */
      return;
    }
  for (i = 0; i < s->n; i++)
    if (s->ex[i].type == r->type && s->ex[i].major == r->major && s->ex[i].minor == r->minor)
      break;
  if (i == s->n && r->allow && s->n < SIM_MAX)
    s->ex[s->n++] = (struct device_rule){ true, r->type, r->major, r->minor, 0 };
  if (i < s->n)
    s->ex[i].access = r->allow ? s->ex[i].access | r->access : s->ex[i].access & ~r->access;
}

static unsigned
sim_access (const struct v1_sim *s, char type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->ex[i].type == type && s->ex[i].major == major && s->ex[i].minor == minor)
      return s->ex[i].access;
  return 0;
}

static void
sim_list (const struct v1_sim *s, char *buf, size_t len)
{
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < s->n; i++)
    if (s->ex[i].access && off < len)
      {
        char line[64];
        device_rule_format (&s->ex[i], line, sizeof line);
        off += snprintf (buf + off, len - off, "%s\n", line);
      }
}

/* From the cgroup `before` (its rules), the plan for `after` must end where
 * writing `after` whole ends, and at no write take away an access both
 * allow. */
static void
check_plan (const struct device_rule *before, size_t nb, const struct device_rule *after, size_t na)
{
  struct v1_sim start = { .n = 0 }, full, step;
  struct device_rule *plan = NULL;
  size_t n_plan = 0;
  char list[4096];

  for (size_t i = 0; i < nb; i++)
    sim_write (&start, &before[i]);
  sim_list (&start, list, sizeof list);
  full = start;
  for (size_t i = 0; i < na; i++)
    sim_write (&full, &after[i]);
  CHECK (device_rules_v1_plan (list, after, na, &plan, &n_plan) == 0);
  step = start;
  for (size_t i = 0; i < n_plan; i++)
    {
      CHECK (plan[i].type != 'a');
      sim_write (&step, &plan[i]);
      for (size_t k = 0; k < start.n; k++)
        {
          const struct device_rule *e = &start.ex[k];
          unsigned both = e->access & sim_access (&full, e->type, e->major, e->minor);
          CHECK ((sim_access (&step, e->type, e->major, e->minor) & both) == both);
        }
    }
  for (size_t k = 0; k < full.n; k++)
    CHECK (sim_access (&step, full.ex[k].type, full.ex[k].major, full.ex[k].minor) == full.ex[k].access);
  for (size_t k = 0; k < step.n; k++)
    CHECK (sim_access (&full, step.ex[k].type, step.ex[k].major, step.ex[k].minor) == step.ex[k].access);
  free (plan);
}

static void
test_v1_plan (void)
{
  struct device_rule *plan = NULL;
  size_t n_plan = 0;
  struct device_rule *defaults = NULL, *more = NULL;
  size_t n_defaults = 0, n_more = 0;
  casing_error_t err = NULL;
  oci_device_cgroup extra[2] = { { .allow = true, .type = (char *) "c", .major = 243, .has_major = true,
                                   .access = (char *) "rw" },
                                 { .allow = false, .type = (char *) "c", .major = 1, .minor = 3, .has_major = true,
                                   .has_minor = true, .access = (char *) "w" } };

  CHECK (device_rules_build (NULL, 0, NULL, 0, &defaults, &n_defaults, &err) == 0);
  CHECK (device_rules_build (extra, 2, NULL, 0, &more, &n_more, &err) == 0);
  check_plan (defaults, n_defaults, more, n_more);
  check_plan (more, n_more, defaults, n_defaults);
  check_plan (defaults, n_defaults, defaults, n_defaults);

  /* The same rules again: nothing to write. */
  {
    struct v1_sim s = { .n = 0 };
    char list[4096];
    for (size_t i = 0; i < n_defaults; i++)
      sim_write (&s, &defaults[i]);
    sim_list (&s, list, sizeof list);
    CHECK (device_rules_v1_plan (list, defaults, n_defaults, &plan, &n_plan) == 0);
    CHECK (n_plan == 0);
    free (plan);
  }
  /* A cgroup allowing by default, or rules that switch to allow ("a"
   * later on, --privileged): only the whole rules get there. */
  CHECK (device_rules_v1_plan ("a *:* rwm\n", defaults, n_defaults, &plan, &n_plan) == 1);
  free (plan);
  {
    struct device_rule all[] = { { false, 'a', -1, -1, DEVICE_ACC_ALL }, { true, 'a', -1, -1, DEVICE_ACC_ALL } };
    CHECK (device_rules_v1_plan ("c 1:3 rwm\n", all, 2, &plan, &n_plan) == 1);
    free (plan);
  }
  CHECK (device_rules_v1_plan ("c 1:x rwm\n", defaults, n_defaults, &plan, &n_plan) == 1);
  free (plan);
  free (defaults);
  free (more);
}

int
main (void)
{
  UNIT_RUN (test_defaults ());
  UNIT_RUN (test_config_rules ());
  UNIT_RUN (test_later_rule_wins ());
  UNIT_RUN (test_v1_plan ());
  UNIT_RUN (test_kernel ());
  free (prog);
  return unit_done ("test_cgroups_devices");
}
