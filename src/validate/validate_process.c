/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `process`: args and cwd, capability and rlimit names,
 * oomScoreAdj, scheduler, ioPriority, execCPUAffinity.  The names are the
 * tables src/confine/ applies (confine/names.h), so `check` and `create`
 * cannot disagree; what the kernel of this host answers is asked by
 * validate_probe.c. */
#include <inttypes.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cgroups/cgroups.h"
#include "confine/host.h"
#include "confine/names.h"
#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate_checks.h"

/* What setrlimit(2) refuses the init, decided here without a probe: a hard
 * limit above the one it inherits from us needs CAP_SYS_RESOURCE in the
 * host's user namespace (never in a container's own user namespace), and
 * RLIMIT_NOFILE never goes above fs.nr_open. */
static void
check_rlimit_against_host (const oci_config *c, const oci_rlimit *r, int resource, const char *path,
                           struct problem_list *out)
{
  struct rlimit now;
  uint64_t nr_open;

  if (resource == RLIMIT_NOFILE && host_nr_open (&nr_open) == 0 && r->hard > nr_open)
    problems_add (out, PROBLEM_ERROR, path, "fs.nr_open caps RLIMIT_NOFILE",
                  "hard limit %llu is above this host's fs.nr_open (%llu)", (unsigned long long) r->hard,
                  (unsigned long long) nr_open);
  else if (getrlimit (resource, &now) == 0 && now.rlim_max != RLIM_INFINITY && r->hard > now.rlim_max
           && (config_has_namespace (c, "user") || !host_has_effective_cap (CAP_SYS_RESOURCE)))
    problems_add (out, PROBLEM_ERROR, path, "keep it at or below the runtime's own hard limit",
                  "raising the hard limit of %s to %llu (the runtime's is %llu) needs CAP_SYS_RESOURCE%s", r->type,
                  (unsigned long long) r->hard, (unsigned long long) now.rlim_max,
                  config_has_namespace (c, "user") ? " of the host, which a user namespace never has"
                                                   : ", which casing does not have here");
}

static void
check_rlimits (const oci_process *p, struct problem_list *out)
{
  bool seen[RLIM_NLIMITS] = { false };

  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      char path[64];
      int r = rlimit_from_name (p->rlimits[i].type);
      snprintf (path, sizeof path, "process.rlimits[%zu]", i);
      if (r < 0)
        problems_add (out, PROBLEM_ERROR, path, "known: RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE...",
                      "unknown rlimit \"%s\"", p->rlimits[i].type);
      else if (r < RLIM_NLIMITS && seen[r])
        problems_add (out, PROBLEM_ERROR, path, NULL, "rlimit \"%s\" given twice", p->rlimits[i].type);
      else if (r < RLIM_NLIMITS)
        seen[r] = true;
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        problems_add (out, PROBLEM_ERROR, path, NULL, "soft limit is above the hard limit");

    }
}

static void
check_cap_set (char **names, size_t n, const char *set, struct problem_list *out)
{
  int last = caps_last_cap ();

  for (size_t i = 0; i < n; i++)
    {
      char path[80];
      int v = caps_value_of (names[i]);

      snprintf (path, sizeof path, "process.capabilities.%s[%zu]", set, i);
      /* config.md: a value that maps to nothing is logged as a warning,
       * not a failure (runc and crun skip it too); it only takes away. */
      if (v < 0)
        problems_add (out, PROBLEM_WARNING, path, "it will be skipped; names look like CAP_NET_ADMIN",
                      "unknown capability \"%s\"", names[i]);
      else if (v > last)
        problems_add (out, PROBLEM_WARNING, path, "it will be skipped",
                      "capability \"%s\" is not known to the running kernel", names[i]);
    }
}

static void
check_capabilities (const oci_capabilities *caps, struct problem_list *out)
{
  if (caps == NULL)
    return;
  check_cap_set (caps->bounding, caps->bounding_len, "bounding", out);
  check_cap_set (caps->effective, caps->effective_len, "effective", out);
  check_cap_set (caps->inheritable, caps->inheritable_len, "inheritable", out);
  check_cap_set (caps->permitted, caps->permitted_len, "permitted", out);
  check_cap_set (caps->ambient, caps->ambient_len, "ambient", out);
}

/* sched(7): a real-time policy takes a priority from 1 to 99, the others
 * none; SCHED_DEADLINE takes runtime <= deadline <= period (period 0 means
 * the deadline), at least 1024 ns of runtime. */
static void
check_scheduler (const oci_scheduler *s, struct problem_list *out)
{
  int policy = oci_name_index (oci_sched_policies, s->policy);
  bool keep_params = false, rt = policy == OCI_SCHED_FIFO || policy == OCI_SCHED_RR;
  int32_t prio = s->has_priority ? s->priority : 0;
  uint64_t deadline = s->has_deadline ? s->deadline : 0;

  for (size_t i = 0; i < s->flags_len; i++)
    keep_params |= oci_name_index (oci_sched_flags, s->flags[i]) == OCI_SCHED_FLAG_KEEP_PARAMS;
  if (policy == OCI_SCHED_ISO)
    problems_add (out, PROBLEM_ERROR, "process.scheduler.policy", "SCHED_IDLE or SCHED_BATCH come closest",
                  "SCHED_ISO is not implemented by Linux");
  else if (!keep_params && rt && (prio < 1 || prio > 99))
    problems_add (out, PROBLEM_ERROR, "process.scheduler.priority", "from 1 (lowest) to 99",
                  "%" PRId32 " is not a priority of %s", prio, s->policy);
  else if (!keep_params && !rt && prio != 0)
    problems_add (out, PROBLEM_ERROR, "process.scheduler.priority", "leave it out, or use SCHED_FIFO or SCHED_RR",
                  "%s takes no priority (only 0)", s->policy);
  if (policy != OCI_SCHED_DEADLINE || keep_params)
    return;
  if (deadline == 0)
    problems_add (out, PROBLEM_ERROR, "process.scheduler.deadline", NULL, "SCHED_DEADLINE needs a deadline");
  else if (!s->has_runtime || s->runtime < 1024 || s->runtime > deadline)
    problems_add (out, PROBLEM_ERROR, "process.scheduler.runtime", NULL,
                  "SCHED_DEADLINE needs a runtime of at least 1024 ns, at most the deadline");
  else if (s->has_period && s->period != 0 && s->period < deadline)
    problems_add (out, PROBLEM_ERROR, "process.scheduler.period", NULL, "the period is shorter than the deadline");
  else if ((deadline | (s->has_period ? s->period : 0)) >> 63)
    problems_add (out, PROBLEM_ERROR, "process.scheduler.deadline", NULL, "deadline and period stay below 2^63 ns");
}

static void
check_io_priority (const oci_io_priority *io, struct problem_list *out)
{
  if (io->has_priority && (io->priority < 0 || io->priority > 7))
    problems_add (out, PROBLEM_ERROR, "process.ioPriority.priority", "from 0 (highest) to 7 (lowest)",
                  "%" PRId32 " is outside [0, 7]", io->priority);
}

/* Only `exec` applies these lists (config.md), but a config whose lists
 * cannot be read is refused as a whole. */
static void
check_cpu_affinity (const oci_exec_cpu_affinity *a, struct problem_list *out)
{
  const char *lists[2] = { a->initial, a->final };
  const char *paths[2] = { "process.execCPUAffinity.initial", "process.execCPUAffinity.final" };
  cpu_set_t online;

  if (sched_getaffinity (0, sizeof online, &online) < 0)
    CPU_ZERO (&online);
  for (int i = 0; i < 2; i++)
    {
      cleanup_casing_error casing_error_t err = NULL;
      cleanup_free unsigned long *mask = NULL;
      size_t nbits = 0;
      bool any = false;

      if (id_list_empty (lists[i]))
        continue;
      if (id_list_parse (paths[i], lists[i], &mask, &nbits, &err) < 0)
        {
          problems_add_error (out, paths[i], "a list such as \"0-3,7\"", err);
          continue;
        }
      for (size_t b = 0; b < nbits && b < CPU_SETSIZE; b++)
        any |= (mask[b / (8 * sizeof *mask)] >> (b % (8 * sizeof *mask)) & 1) && CPU_ISSET (b, &online);
      if (!any && CPU_COUNT (&online) > 0)
        problems_add (out, PROBLEM_WARNING, paths[i], "`casing exec` would fail with this list",
                      "none of the CPUs \"%s\" is available to casing on this host", lists[i]);
    }
}

void
validate_process_alone (const oci_process *p, struct problem_list *out)
{
  if (p->args == NULL || p->args_len == 0)
    problems_add (out, PROBLEM_ERROR, "process.args", "e.g. [\"sh\"]", "must not be empty");
  if (p->cwd && p->cwd[0] != '/')
    problems_add (out, PROBLEM_ERROR, "process.cwd", "the spec requires an absolute path", "\"%s\" is not absolute",
                  p->cwd);
  validate_user (p->user, out);
  check_capabilities (p->capabilities, out);
  check_rlimits (p, out);
  if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    problems_add (out, PROBLEM_ERROR, "process.oomScoreAdj", "from -1000 to 1000",
                  "%" PRId32 " is outside [-1000, 1000]", p->oom_score_adj);
  if (p->scheduler)
    check_scheduler (p->scheduler, out);
  if (p->io_priority)
    check_io_priority (p->io_priority, out);
  if (p->exec_cpu_affinity)
    check_cpu_affinity (p->exec_cpu_affinity, out);
}

/* A new cgroup gets no real-time runtime on a host with RT group
 * scheduling: the init, in the container's cgroup, would be refused. */
static void
check_rt_runtime (const oci_config *c, struct problem_list *out)
{
  const oci_scheduler *s = c->process->scheduler;
  const oci_resources *r = c->linux_ ? c->linux_->resources : NULL;
  int policy = s ? oci_name_index (oci_sched_policies, s->policy) : -1;

  if ((policy == OCI_SCHED_FIFO || policy == OCI_SCHED_RR)
      && !(r && r->cpu && r->cpu->has_realtime_runtime && r->cpu->realtime_runtime > 0)
      && cgroup_host_rt_needs_runtime ())
    problems_add (out, PROBLEM_ERROR, "process.scheduler.policy",
                  "give the cgroup linux.resources.cpu.realtimeRuntime",
                  "%s: this host's new cgroups get no real-time runtime (RT group scheduling)", s->policy);
}

/* Whether `path`, looked up in the container's root as it is now, names
 * an executable file. */
static bool
executable_in_root (const char *rootfs, const char *path, const char *cwd)
{
  cleanup_free char *abs = NULL;
  struct stat st;

  if (path[0] != '/')
    xasprintf (&abs, "%s/%s", cwd ? cwd : "/", path);
  return rootfs_stat_path (rootfs, abs ? abs : path, &st) == 1 && S_ISREG (st.st_mode) && (st.st_mode & 0111);
}

/* execvp's search, in root.path as it is now. */
static bool
found_in_root (const oci_process *p, const char *rootfs)
{
  const char *name = p->args[0], *path = EXEC_DEFAULT_PATH;
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (strchr (name, '/'))
    return executable_in_root (rootfs, name, p->cwd);
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], "PATH=", 5) == 0)
      path = p->env[i] + 5;
  copy = xstrdup (path);
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = NULL;
      xasprintf (&candidate, "%s/%s", *dir ? dir : ".", name);
      if (executable_in_root (rootfs, candidate, p->cwd))
        return true;
    }
  return false;
}

/* Paths in the container: what the host's view of root.path says is only
 * a hint, reported when it suggests that `create` fails. */
static void
check_paths_in_root (const oci_process *p, const char *rootfs, struct problem_list *out)
{
  struct stat st;

  if (p->cwd && p->cwd[0] == '/' && rootfs_stat_path (rootfs, p->cwd, &st) == 1 && !S_ISDIR (st.st_mode))
    problems_undecided (out, "process.cwd", "`%s` is not a directory in root.path", p->cwd);
  if (p->args_len > 0 && p->args[0][0] && !found_in_root (p, rootfs))
    problems_undecided (out, "process.args[0]", "`%s` is no executable file in root.path", p->args[0]);
}

static void
check_rlimits_against_host (const oci_config *c, struct problem_list *out)
{
  const oci_process *p = c->process;

  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      int r = rlimit_from_name (p->rlimits[i].type);
      char path[64];
      snprintf (path, sizeof path, "process.rlimits[%zu]", i);
      if (r >= 0 && p->rlimits[i].soft <= p->rlimits[i].hard)
        check_rlimit_against_host (c, &p->rlimits[i], r, path, out);
    }
}

void
validate_process (const oci_config *c, const char *rootfs, struct problem_list *out)
{
  validate_process_alone (c->process, out);
  check_rlimits_against_host (c, out);
  check_rt_runtime (c, out);
  if (rootfs)
    check_paths_in_root (c->process, rootfs, out);
}
