/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one validation behind `check`, `create` and `exec`: each rule
 * refuses its value with the JSON path of that value, and lets the values
 * around it through.  Configs are written as JSON and parsed, as `check`
 * reads them.  tests/integration/test_check_create.py holds `check` and
 * `create` to the same answers on real bundles. */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "unit_test.h"
#include "cgroups/cgroups.h"
#include "confine/host.h"
#include "confine/names.h"
#include "core/utils.h"
#include "validate/validate.h"

static char bundle[] = "/tmp/casing-validate-XXXXXX";

/* A config with `ns` as linux.namespaces, the other strings (each empty
 * or starting with a comma) added to process, linux and the top level. */
static oci_config *
config_of (const char *ns, const char *process, const char *linux_, const char *top)
{
  cleanup_free char *json = NULL, *msg = NULL;
  oci_config *c = NULL;

  xasprintf (&json,
             "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
             " \"process\": {\"cwd\": \"/\", \"args\": [\"/bin/sh\"]%s},"
             " \"linux\": {\"namespaces\": [%s]%s}%s}",
             process, ns ? ns : "{\"type\": \"mount\"}, {\"type\": \"uts\"}", linux_, top);
  if (oci_config_parse_data (json, strlen (json), NULL, &c, &msg) < 0)
    fprintf (stderr, "bad test config: %s\n%s\n", msg, json);
  return c;
}

static const struct problem *
find (const struct problem_list *l, enum problem_severity sev, const char *path)
{
  for (size_t i = 0; i < l->len; i++)
    if (l->items[i].severity == sev && strcmp (l->items[i].path, path) == 0)
      return &l->items[i];
  return NULL;
}

static void
dump (const struct problem_list *l)
{
  for (size_t i = 0; i < l->len; i++)
    fprintf (stderr, "     %s %s: %s\n", l->items[i].severity == PROBLEM_ERROR ? "error" : "warning",
             l->items[i].path, l->items[i].message);
}

/* The config has exactly one error, at `path`, its message containing
 * `needle` (a warning at `path` instead when `sev` says so). */
static void
expect (enum problem_severity sev, oci_config *c, const char *path, const char *needle)
{
  struct problem_list l = { 0 };
  const struct problem *p;

  if (!CHECK (c != NULL))
    return;
  validate_config (c, bundle, &l, NULL, true);
  p = find (&l, sev, path);
  if (!CHECK_MSG (p != NULL && strstr (p->message, needle) && problems_count (&l, PROBLEM_ERROR) == (sev == PROBLEM_ERROR),
                  "one %s at %s with \"%s\"", sev == PROBLEM_ERROR ? "error" : "warning", path, needle))
    dump (&l);
  problems_free (&l);
  oci_config_free (c);
}

#define REFUSED(c, path, needle) expect (PROBLEM_ERROR, (c), (path), (needle))
#define UNDECIDED(c, path, needle) expect (PROBLEM_WARNING, (c), (path), (needle))
#define WARNED(c, path, needle) expect (PROBLEM_WARNING, (c), (path), (needle))

static void
accepted (oci_config *c)
{
  struct problem_list l = { 0 };

  if (!CHECK (c != NULL))
    return;
  validate_config (c, bundle, &l, NULL, true);
  if (!CHECK_MSG (problems_count (&l, PROBLEM_ERROR) == 0, "no error"))
    dump (&l);
  problems_free (&l);
  oci_config_free (c);
}

#define P(...) config_of (NULL, __VA_ARGS__, "", "")
#define L(...) config_of (NULL, "", __VA_ARGS__, "")
/* A real-time policy with the cgroup runtime it needs on a host with RT
 * group scheduling. */
#define RT(...) config_of (NULL, __VA_ARGS__, ", \"resources\": {\"cpu\": {\"realtimeRuntime\": 10000}}", "")

static bool
runtime_has_cap (int cap)
{
  char buf[32];
  return status_field ("CapEff", buf, sizeof buf) && (strtoull (buf, NULL, 16) >> cap & 1);
}

static bool
refused_for_exec (uint32_t uid, uint32_t gid, uint32_t extra, const char *path)
{
  uint32_t gids[] = { 0, extra };
  char *args[] = { "sh" };
  oci_user user = { .has_uid = true, .uid = uid, .has_gid = true, .gid = gid,
                    .additional_gids = gids, .additional_gids_len = 2 };
  oci_process p = { .user = &user, .args = args, .args_len = 1 };
  casing_error_t err = NULL;
  bool r = validate_process_for_exec (&p, "exec", &err) < 0;

  if (r && (err == NULL || strstr (err->msg, path) == NULL))
    {
      fprintf (stderr, "error without `%s`: %s\n", path, err ? err->msg : "(none)");
      r = false;
    }
  casing_error_release (&err);
  return r;
}

static void
test_user_ids (void)
{
  const uint32_t max = 2147483647u;
  char *args[] = { "sh" };
  oci_process no_user = { .args = args, .args_len = 1 };
  casing_error_t err = NULL;

  CHECK (!refused_for_exec (0, 0, 0, ""));
  CHECK (!refused_for_exec (max, max, max, ""));
  CHECK (refused_for_exec (UINT32_MAX, 0, 0, "process.user.uid"));
  CHECK (refused_for_exec (max + 1u, 0, 0, "process.user.uid"));
  CHECK (refused_for_exec (0, UINT32_MAX, 0, "process.user.gid"));
  CHECK (refused_for_exec (0, max + 1u, 0, "process.user.gid"));
  CHECK (refused_for_exec (0, 0, UINT32_MAX, "process.user.additionalGids[1]"));
  CHECK (refused_for_exec (0, 0, max + 1u, "process.user.additionalGids[1]"));
  CHECK (validate_process_for_exec (&no_user, "exec", &err) == 0);
  no_user.args_len = 0;
  CHECK (validate_process_for_exec (&no_user, "exec", &err) < 0);
  CHECK_ERR (err, "exec: process.args: must not be empty");
}

/* What the init used to refuse itself, after the hooks had run. */
static void
test_process_attributes (void)
{
  accepted (P (", \"oomScoreAdj\": 1000"));
  /* Lowering it needs CAP_SYS_RESOURCE, which casing may lack (this VM's
   * root does): the kernel's answer, asked by the probe. */
  if (runtime_has_cap (CAP_SYS_RESOURCE))
    accepted (P (", \"oomScoreAdj\": -1000"));
  else
    REFUSED (P (", \"oomScoreAdj\": -1000"), "process.oomScoreAdj", "needs CAP_SYS_RESOURCE");
  REFUSED (P (", \"oomScoreAdj\": 5000"), "process.oomScoreAdj", "outside [-1000, 1000]");
  REFUSED (P (", \"oomScoreAdj\": -1001"), "process.oomScoreAdj", "outside");
  accepted (P (", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 7}"));
  REFUSED (P (", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 42}"), "process.ioPriority.priority",
           "42 is outside [0, 7]");
  REFUSED (P (", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": -1}"),
           "process.ioPriority.priority", "outside");
  accepted (RT (", \"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 99}"));
  accepted (P (", \"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 5}"));
  REFUSED (RT (", \"scheduler\": {\"policy\": \"SCHED_FIFO\"}"), "process.scheduler.priority", "not a priority");
  REFUSED (RT (", \"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 100}"), "process.scheduler.priority",
           "100 is not a priority of SCHED_RR");
  if (cgroup_host_rt_needs_runtime ())
    REFUSED (P (", \"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 5}"), "process.scheduler.policy",
             "new cgroups get no real-time runtime");
  REFUSED (P (", \"scheduler\": {\"policy\": \"SCHED_OTHER\", \"priority\": 5}"), "process.scheduler.priority",
           "takes no priority");
  REFUSED (P (", \"scheduler\": {\"policy\": \"SCHED_ISO\"}"), "process.scheduler.policy", "not implemented");
  REFUSED (P (", \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 10, \"deadline\": 1000000}"),
           "process.scheduler.runtime", "at least 1024 ns");
  REFUSED (P (", \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 2000000, \"deadline\": 1000000}"),
           "process.scheduler.runtime", "at most the deadline");
  REFUSED (P (", \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 20000, \"deadline\": 1000000,"
              " \"period\": 500000}"),
           "process.scheduler.period", "shorter than the deadline");
  REFUSED (P (", \"execCPUAffinity\": {\"initial\": \"0-\"}"), "process.execCPUAffinity.initial", "expected a number");
  REFUSED (P (", \"execCPUAffinity\": {\"final\": \"3-1\"}"), "process.execCPUAffinity.final", "reversed");
  UNDECIDED (P (", \"execCPUAffinity\": {\"final\": \"4000\"}"), "process.execCPUAffinity.final", "none of the CPUs");
}

static void
test_names (void)
{
  accepted (P (", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 0, \"hard\": 0}]"));
  REFUSED (P (", \"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]"), "process.rlimits[0]",
           "unknown rlimit \"RLIMIT_FOO\"");
  REFUSED (P (", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1},"
              " {\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1}]"),
           "process.rlimits[1]", "given twice");
  REFUSED (P (", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 2, \"hard\": 1}]"), "process.rlimits[0]",
           "soft limit is above the hard limit");
  /* config.md: logged as a warning, skipped (runc and crun skip it too). */
  WARNED (P (", \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_NOPE\"]}"), "process.capabilities.bounding[1]",
          "unknown capability \"CAP_NOPE\"");
  WARNED (P (", \"capabilities\": {\"ambient\": [\"cap_kill\"]}"), "process.capabilities.ambient[0]", "unknown");
}

static void
test_linux (void)
{
  accepted (L (", \"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\"}"));
  accepted (L (", \"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED\"}"));
  REFUSED (L (", \"memoryPolicy\": {\"mode\": \"MPOL_BIND\"}"), "linux.memoryPolicy.nodes", "needs at least one node");
  REFUSED (L (", \"memoryPolicy\": {\"mode\": \"MPOL_LOCAL\", \"nodes\": \"0\"}"), "linux.memoryPolicy.nodes",
           "takes no nodes");
  REFUSED (L (", \"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"1-0\"}"), "linux.memoryPolicy.nodes",
           "reversed");
  REFUSED (L (", \"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\","
              " \"flags\": [\"MPOL_F_STATIC_NODES\", \"MPOL_F_RELATIVE_NODES\"]}"),
           "linux.memoryPolicy.flags", "exclude each other");
  REFUSED (L (", \"personality\": {\"domain\": \"LINUX\", \"flags\": [\"FOO\"]}"), "linux.personality.flags[0]",
           "\"FOO\" is not supported");
  accepted (L (", \"personality\": {\"domain\": \"LINUX32\"}"));
  REFUSED (L (", \"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\", \"major\": 5000, \"minor\": 1}]"),
           "linux.devices[0]", "5000:1 is no device number");
  REFUSED (L (", \"timeOffsets\": {\"monotonic\": {\"secs\": 1}}"), "linux.timeOffsets",
           "time offsets need a new time namespace");
  REFUSED (config_of ("{\"type\": \"mount\"}, {\"type\": \"time\"}", "",
                      ", \"timeOffsets\": {\"monotonic\": {\"secs\": 1, \"nanosecs\": 1000000000}}", ""),
           "linux.timeOffsets.monotonic", "not below 1000000000");
  REFUSED (config_of ("{\"type\": \"mount\"}, {\"type\": \"time\"}", "",
                      ", \"timeOffsets\": {\"boottime\": {\"secs\": -9000000000000}}", ""),
           "linux.timeOffsets.boottime", "out of range");
  REFUSED (config_of (NULL, "", "", ", \"hostname\": \"0123456789012345678901234567890123456789012345678901234567890123"
                                    "4\""),
           "hostname", "65 bytes");
  REFUSED (config_of ("{\"type\": \"mount\"}", "", "", ", \"hostname\": \"x\""), "hostname", "needs a uts namespace");
  UNDECIDED (config_of ("{\"type\": \"mount\"}, {\"type\": \"network\"}", "",
                        ", \"sysctl\": {\"net.ipv4.conf.casing0.forwarding\": \"1\"}", ""),
             "linux.sysctl[\"net.ipv4.conf.casing0.forwarding\"]", "the host has no");
}

static void
test_namespaces_and_ids (void)
{
  static const char userns[] = "{\"type\": \"mount\"}, {\"type\": \"user\"}";
  static const char maps[] = ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}]"
                             ", \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}]";

  REFUSED (config_of ("{\"type\": \"mount\"}, {\"type\": \"mount\"}", "", "", ""), "linux.namespaces[1]",
           "listed twice");
  REFUSED (config_of ("{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"proc/1/ns/net\"}", "", "", ""),
           "linux.namespaces[1].path", "not absolute");
  REFUSED (config_of ("{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/proc/self/ns/uts\"}", "", "", ""),
           "linux.namespaces[1].path", "is not a network namespace");
  REFUSED (config_of ("{\"type\": \"user\"}", "", maps, ""), "linux.namespaces", "needs a `mount` namespace");
  REFUSED (config_of (userns, "", "", ""), "linux.uidMappings", "needs uid and gid mappings");
  accepted (config_of (userns, ", \"user\": {\"uid\": 999, \"gid\": 0, \"additionalGids\": [5]}", maps, ""));
  REFUSED (config_of (userns, ", \"user\": {\"uid\": 1000, \"gid\": 0}", maps, ""), "process.user.uid",
           "uid 1000 is not mapped");
  REFUSED (config_of (userns, ", \"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [5000]}", maps, ""),
           "process.user.additionalGids[0]", "not mapped");
  REFUSED (config_of (userns, "",
                      ", \"uidMappings\": [{\"containerID\": 1, \"hostID\": 100000, \"size\": 10}]"
                      ", \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10}]",
                      ""),
           "linux.uidMappings", "uid 0 of the container is not mapped");
  REFUSED (config_of (userns, "",
                      ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10},"
                      " {\"containerID\": 5, \"hostID\": 200000, \"size\": 10}]"
                      ", \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10}]",
                      ""),
           "linux.uidMappings[1]", "overlaps linux.uidMappings[0]");
  REFUSED (config_of (userns, "",
                      ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10},"
                      " {\"containerID\": 20, \"hostID\": 300000, \"size\": 0}]"
                      ", \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10}]",
                      ""),
           "linux.uidMappings[1]", "size 0");
}

static void
test_mounts_and_paths (void)
{
  REFUSED (config_of (NULL, "", "", ", \"mounts\": [{\"destination\": \"/x\", \"options\": [\"tmpcopyup\"],"
                                    " \"type\": \"bind\", \"source\": \"/tmp\"}]"),
           "mounts[0]", "`tmpcopyup` is only supported on tmpfs");
  REFUSED (config_of (NULL, "", "", ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\","
                                    " \"options\": [\"idmap\"], \"uidMappings\": [{\"containerID\": 0,"
                                    " \"hostID\": 1, \"size\": 1}], \"gidMappings\": [{\"containerID\": 0,"
                                    " \"hostID\": 1, \"size\": 1}]}]"),
           "mounts[0]", "`idmap` is only supported on bind mounts");
  REFUSED (config_of (NULL, "", "", ", \"mounts\": [{\"destination\": \"/x\", \"source\": \"none\"}]"),
           "mounts[0].type", "required");
  REFUSED (config_of (NULL, "", "", ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\","
                                    " \"source\": \"no-such-dir\", \"options\": [\"rbind\"]}]"),
           "mounts[0].source", "does not exist");
  REFUSED (config_of (NULL, "", "", ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\","
                                    " \"source\": \"/tmp\", \"options\": [\"idmap\", \"remount\"]}]"),
           "mounts[0].options", "cannot be combined");
  REFUSED (L (", \"maskedPaths\": [\"proc/kcore\"]"), "linux.maskedPaths[0]", "not absolute");
  {
    static const char json[] = "{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"rootfs\"},"
                               " \"process\": {\"cwd\": \"/etc/passwd\", \"args\": [\"/bin/nope\"]},"
                               " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}";
    oci_config *c = NULL;
    struct problem_list l = { 0 };

    CHECK (oci_config_parse_data (json, strlen (json), NULL, &c, NULL) == 0);
    validate_config (c, bundle, &l, NULL, true);
    CHECK (problems_count (&l, PROBLEM_ERROR) == 0);
    CHECK (find (&l, PROBLEM_WARNING, "process.args[0]") != NULL);
    CHECK (find (&l, PROBLEM_WARNING, "process.cwd") != NULL);
    problems_free (&l);
    oci_config_free (c);
  }
}

/* The host as it is: what only the kernel of this host can answer is
 * asked by a short-lived process (validate_probe.c). */
static void
test_host_facts (void)
{
  char big[160];

  /* RLIMIT_NOFILE above fs.nr_open: setrlimit refuses it even to root. */
  snprintf (big, sizeof big, ", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": %llu}]",
            1ULL << 40);
  REFUSED (P (big), "process.rlimits[0]", "fs.nr_open");
  /* Node 63: no host of the tests has it online. */
  REFUSED (L (", \"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"63\"}"), "linux.memoryPolicy",
           "set_mempolicy MPOL_BIND");
  if (!apparmor_host_enabled ())
    REFUSED (P (", \"apparmorProfile\": \"acme\""), "process.apparmorProfile", "AppArmor");
  REFUSED (P (", \"apparmorProfile\": \"\""), "process.apparmorProfile", "empty profile name");
  REFUSED (config_of (NULL, "", "", ", \"hooks\": {\"prestart\": [{\"path\": \"/no/such/hook\"}]}"),
           "hooks.prestart[0].path", "does not exist");
}

static void
test_seccomp (void)
{
  struct seccomp_program *prog = NULL;
  struct problem_list l = { 0 };
  oci_config *c;

  REFUSED (L (", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"execve\","
              " \"execveat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"),
           "linux.seccomp", "blocks execve and execveat");
  REFUSED (L (", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"],"
              " \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}"),
           "linux.seccomp.syscalls[0].action", "does not take an errno return");
  REFUSED (L (", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/nonexistent/agent\"}"),
           "linux.seccomp.listenerPath", "is not a socket");
  UNDECIDED (L (", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"no_such\"],"
                " \"action\": \"SCMP_ACT_ERRNO\"}]}"),
             "linux.seccomp.syscalls[0].names[0]", "unknown to libseccomp");
  /* Each architecture of the spec this libseccomp lacks is a warning. */
  for (size_t i = 0; oci_seccomp_archs[i]; i++)
    if (seccomp_arch_token (oci_seccomp_archs[i]) == 0)
      {
        char arch[128];
        snprintf (arch, sizeof arch, ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"%s\"]}",
                  oci_seccomp_archs[i]);
        UNDECIDED (L (arch), "linux.seccomp.architectures[0]", "is not supported by libseccomp");
      }

  /* Compiled once: the program goes to the caller (create), or is freed. */
  c = L (", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"],"
         " \"action\": \"SCMP_ACT_ERRNO\"}]}");
  validate_config (c, bundle, &l, &prog, true);
  CHECK (problems_count (&l, PROBLEM_ERROR) == 0 && prog != NULL);
  CHECK (prog && seccomp_program_allows_execveat (prog));
  seccomp_program_free (prog);
  problems_free (&l);
  oci_config_free (c);
  c = L ("");
  validate_config (c, bundle, &l, &prog, true);
  CHECK (prog == NULL);
  problems_free (&l);
  oci_config_free (c);
}

int
main (void)
{
  char path[sizeof bundle + 32];
  casing_error_t err = NULL;

  CHECK (mkdtemp (bundle) != NULL);
  snprintf (path, sizeof path, "%s/rootfs/etc", bundle);
  CHECK (mkdir_p (path, 0755, &err) == 0);
  snprintf (path, sizeof path, "%s/rootfs/bin", bundle);
  CHECK (mkdir_p (path, 0755, &err) == 0);
  snprintf (path, sizeof path, "%s/rootfs/bin/sh", bundle);
  CHECK (write_file_atomic (path, "", 0, 0755, &err) == 0);
  snprintf (path, sizeof path, "%s/rootfs/etc/passwd", bundle);
  CHECK (write_file_atomic (path, "", 0, 0644, &err) == 0);
  UNIT_RUN (test_user_ids ());
  UNIT_RUN (test_process_attributes ());
  UNIT_RUN (test_names ());
  UNIT_RUN (test_linux ());
  UNIT_RUN (test_namespaces_and_ids ());
  UNIT_RUN (test_mounts_and_paths ());
  UNIT_RUN (test_host_facts ());
  UNIT_RUN (test_seccomp ());
  CHECK (remove_tree_at (AT_FDCWD, bundle, &err) == 0);
  casing_error_release (&err);
  return unit_done ("test_validate");
}
