/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "confine/confine.h"
#include "confine/exe_protect.h"
#include "confine/names.h"
#include "unit_test.h"
#include "core/utils.h"

/* <linux/sched/types.h> clashes with <sched.h>. */
struct sched_attr
{
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};

static void
rlimits_child (void *arg)
{
  casing_error_t err = NULL;
  oci_rlimit r[] = { { "RLIMIT_NOFILE", 512, 1000 }, { "RLIMIT_CORE", 0, 0 }, { "RLIMIT_MSGQUEUE", 4096, 8192 } };
  oci_process p = { .rlimits = r, .rlimits_len = 3 };
  struct rlimit rl;

  (void) arg;
  CHECK_OK (process_apply_rlimits (&p, &err), err);
  CHECK (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 512 && rl.rlim_max == 1000);
  CHECK (getrlimit (RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0);
  CHECK (getrlimit (RLIMIT_MSGQUEUE, &rl) == 0 && rl.rlim_cur == 4096 && rl.rlim_max == 8192);
}

static void
rlimit_raise_child (void *arg)
{
  casing_error_t err = NULL;
  oci_rlimit r[] = { { "RLIMIT_NOFILE", 10, 20 } };
  oci_process p = { .rlimits = r, .rlimits_len = 1 };
  struct rlimit rl = { 10, 10 };

  (void) arg;
  CHECK (setrlimit (RLIMIT_NOFILE, &rl) == 0);
  CHECK (setresuid (65534, 65534, 65534) == 0);
  CHECK (process_apply_rlimits (&p, &err) < 0);
  CHECK_ERR (err, "needs CAP_SYS_RESOURCE");
}

static void
test_rlimits (void)
{
  casing_error_t err = NULL;
  oci_rlimit unknown[] = { { "RLIMIT_FOO", 1, 1 } };
  oci_process p = { .rlimits = unknown, .rlimits_len = 1 };

  CHECK (rlimit_from_name ("RLIMIT_RTTIME") == RLIMIT_RTTIME);
  CHECK (rlimit_from_name ("RLIMIT_NOPE") == -1);
  /* The validation refuses it; the conversion does not guess. */
  CHECK (process_apply_rlimits (&p, &err) < 0);
  CHECK_ERR (err, "process.rlimits[0].type: \"RLIMIT_FOO\" is not an rlimit");
  CHECK_CHILD_OK (rlimits_child, NULL);
}

static void
user_child (void *arg)
{
  casing_error_t err = NULL;
  uint32_t gids[] = { 10, 20 };
  oci_user u = { .has_uid = true, .uid = 1000, .has_gid = true, .gid = 1001, .additional_gids = gids,
                 .additional_gids_len = 2 };
  oci_process p = { .user = &u };
  char buf[256];

  if (arg)
    u.has_umask = true, u.umask = 077;
  CHECK_OK (process_set_user (&p, &err), err);
  CHECK (status_field ("Uid", buf, sizeof buf) && strcmp (buf, "1000\t1000\t1000\t1000") == 0);
  CHECK (status_field ("Gid", buf, sizeof buf) && strcmp (buf, "1001\t1001\t1001\t1001") == 0);
  CHECK (status_field ("Groups", buf, sizeof buf) && strncmp (buf, "10 20", 5) == 0 && strspn (buf + 5, " ") == strlen (buf + 5));
  CHECK (umask (0) == (arg ? 077 : 022));
}

static void
user_root_child (void *arg)
{
  casing_error_t err = NULL;
  oci_process p = { 0 };
  gid_t g = 4;
  char buf[256];

  (void) arg;
  CHECK (setgroups (1, &g) == 0);
  /* No user: root, and no supplementary group of ours left behind. */
  CHECK_OK (process_set_user (&p, &err), err);
  CHECK (status_field ("Groups", buf, sizeof buf) && strspn (buf, " ") == strlen (buf));
  CHECK (getuid () == 0 && getgid () == 0);
}

static void
attrs_child (void *arg)
{
  casing_error_t err = NULL;
  char *flags[] = { "SCHED_FLAG_RESET_ON_FORK" };
  oci_scheduler s = { .policy = "SCHED_BATCH", .has_nice = true, .nice = 7, .flags = flags, .flags_len = 1 };
  oci_io_priority io = { .class = "IOPRIO_CLASS_IDLE", .has_priority = true, .priority = 4 };
  oci_process p = { .has_oom_score_adj = true, .oom_score_adj = 123, .scheduler = &s, .io_priority = &io };
  struct sched_attr attr = { 0 };
  cleanup_free char *oom = NULL;
  cpu_set_t set;

  (void) arg;
  CHECK_OK (process_apply_oom_score_adj (&p, &err), err);
  CHECK (read_all_file ("/proc/self/oom_score_adj", &oom, NULL, NULL) == 0 && atoi (oom) == 123);
  CHECK_OK (process_apply_scheduler (&p, &err), err);
  CHECK (syscall (SYS_sched_getattr, 0, &attr, sizeof attr, 0) == 0);
  CHECK (attr.sched_policy == SCHED_BATCH && attr.sched_nice == 7);
  CHECK (sched_getscheduler (0) == (SCHED_BATCH | SCHED_RESET_ON_FORK));
  CHECK_OK (process_apply_io_priority (&p, &err), err);
  CHECK (syscall (SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0) == IOPRIO_PRIO_VALUE (IOPRIO_CLASS_IDLE, 4));
  CHECK_OK (process_apply_cpu_affinity ("0", &err), err);
  CHECK (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) == 1 && CPU_ISSET (0, &set));
  /* Empty: leave it alone. */
  CHECK_OK (process_apply_cpu_affinity ("", &err), err);
  CHECK_OK (process_apply_cpu_affinity (NULL, &err), err);
}

static void
test_attrs (void)
{
  casing_error_t err = NULL;
  oci_scheduler s = { .policy = "SCHED_FIFO" };
  oci_process p = { .has_oom_score_adj = true, .oom_score_adj = 5000, .scheduler = &s };
  cleanup_free unsigned long *mask = NULL;
  size_t nbits = 0;

  /* Values the validation refuses: the kernel's own answer is what the
   * apply functions report. */
  CHECK (process_apply_oom_score_adj (&p, &err) < 0);
  CHECK_ERR (err, "process.oomScoreAdj");
  CHECK (process_apply_scheduler (&p, &err) < 0);
  CHECK_ERR (err, "process.scheduler: sched_setattr SCHED_FIFO");
  CHECK (id_list_empty (NULL) && id_list_empty ("  ") && !id_list_empty (" 1"));
  CHECK_OK (id_list_parse ("x", "0-3,7", &mask, &nbits, &err), err);
  CHECK (mask && mask[0] == 0x8f && nbits >= 8);
  free (steal_pointer (&mask));
  CHECK_OK (id_list_parse ("x", " 1 , 65 - 66", &mask, &nbits, &err), err);
  CHECK (mask && mask[0] == 2 && mask[1] == 6 && nbits == 128);
  free (steal_pointer (&mask));
  CHECK (id_list_parse ("process.execCPUAffinity.final", "3-1", &mask, &nbits, &err) < 0);
  CHECK_ERR (err, "process.execCPUAffinity.final: range 3-1 is reversed");
  CHECK (id_list_parse ("x", "1,,", &mask, &nbits, &err) < 0);
  CHECK_ERR (err, "expected a number");
  CHECK (process_apply_cpu_affinity ("9999", &err) < 0);
  CHECK_ERR (err, "sched_setaffinity");
  CHECK_CHILD_OK (attrs_child, NULL);
}

static void
mempolicy_child (void *arg)
{
  casing_error_t err = NULL;
  oci_memory_policy bind = { .mode = "MPOL_BIND", .nodes = "0" };
  oci_memory_policy local = { .mode = "MPOL_LOCAL" };
  int mode = -1;
  unsigned long nodes[4] = { 0 };

  (void) arg;
  CHECK_OK (process_apply_memory_policy (&bind, &err), err);
  CHECK (syscall (SYS_get_mempolicy, &mode, nodes, 256, NULL, 0) == 0 && mode == 2 && nodes[0] == 1);
  CHECK_OK (process_apply_memory_policy (&local, &err), err);
  CHECK (syscall (SYS_get_mempolicy, &mode, nodes, 256, NULL, 0) == 0 && mode == 4);
}

static void
test_mempolicy (void)
{
  casing_error_t err = NULL;
  char *badflag[] = { "MPOL_F_NOPE" };
  oci_memory_policy p = { .mode = "MPOL_BIND", .nodes = "0", .flags = badflag, .flags_len = 1 };

  /* Names the parser refuses: the conversion does not guess. */
  CHECK (process_apply_memory_policy (&p, &err) < 0);
  CHECK_ERR (err, "linux.memoryPolicy.flags[0]: \"MPOL_F_NOPE\" is not a flag");
  p = (oci_memory_policy) { .mode = "MPOL_SOMETIMES" };
  CHECK (process_apply_memory_policy (&p, &err) < 0);
  CHECK_ERR (err, "linux.memoryPolicy.mode: \"MPOL_SOMETIMES\" is not a mode");
  /* Each mode of the spec has its value. */
  for (int i = 0; i < OCI_MPOL_COUNT; i++)
    CHECK_MSG (mempolicy_mode_def (i) != NULL && (i == OCI_MPOL_DEFAULT || mempolicy_mode_def (i)->value != 0),
               "%s has a value", oci_mempolicy_modes[i]);
  CHECK_CHILD_OK (mempolicy_child, NULL);
}

static void
keyring_child (void *arg)
{
  casing_error_t err = NULL;
  char desc[256];
  long n;

  (void) arg;
  CHECK_OK (keyring_create_session ("casing-test-ctr", NULL, &err), err);
  n = syscall (SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, desc, sizeof desc, 0);
  CHECK (n > 0);
  /* "keyring;uid;gid;perm;description" */
  CHECK (n > 0 && strstr (desc, ";3f1f0000;casing-test-ctr") != NULL);
  if (n > 0 && strstr (desc, "casing-test-ctr") == NULL)
    fprintf (stderr, "  %s\n", desc);
}

static void
dumpable_child (void *arg)
{
  casing_error_t err = NULL;
  (void) arg;
  CHECK_OK (self_exe_protect (&err), err);
  CHECK (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) == (geteuid () == 0 ? 0 : 1));
}

int
main (void)
{
  UNIT_RUN (test_rlimits ());
  UNIT_RUN (child_test_as_root (rlimit_raise_child, NULL));
  UNIT_RUN (child_test_as_root (user_child, NULL));
  UNIT_RUN (child_test_as_root (user_child, (void *) 1));
  UNIT_RUN (child_test_as_root (user_root_child, NULL));
  UNIT_RUN (test_attrs ());
  UNIT_RUN (test_mempolicy ());
  UNIT_RUN (CHECK_CHILD_OK (keyring_child, NULL));
  UNIT_RUN (CHECK_CHILD_OK (dumpable_child, NULL));
  return unit_done ("test_confine_process");
}
