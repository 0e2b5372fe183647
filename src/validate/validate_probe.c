/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the kernel of this host answers to the attributes the container's
 * init gives itself (personality, rlimits, oom_score_adj, scheduler, I/O
 * priority, memory policy): whether a memory node is online, a deadline
 * fits the host's bounds, a raised limit or a real-time policy needs a
 * capability the container will not have...  A short-lived child of the
 * validation applies them with the very functions the init uses, in its
 * order, and reports the first refusal.  It enters a user namespace as the
 * init will (a new one, or the one joined by path), so that the kernel
 * checks the container's capabilities, not the runtime's.  What it
 * changes dies with it; no namespace, cgroup or file of a container
 * exists.  It runs only when the rules of those fields found no error. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine/confine.h"
#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate_checks.h"

static const char *const probed[] = {
  "process.rlimits", "process.oomScoreAdj", "process.scheduler", "process.ioPriority",
  "linux.memoryPolicy", "linux.personality", "linux.namespaces", "linux.uidMappings", "linux.gidMappings",
};

static bool
worth_probing (const oci_config *c, const struct problem_list *out)
{
  const oci_process *p = c->process;
  const oci_linux *l = c->linux_;

  if (p == NULL || !(p->rlimits_len || p->has_oom_score_adj || p->scheduler || p->io_priority
                     || (l && (l->memory_policy || l->personality))))
    return false;
  for (size_t i = 0; i < sizeof probed / sizeof probed[0]; i++)
    if (problems_at (out, 0, probed[i]))
      return false;
  return true;
}

/* In the child: the user namespace the init will be in.  false when it
 * cannot be entered (then the answer would be the runtime's, not the
 * container's: no answer). */
static bool
enter_user_namespace (const oci_config *c)
{
  const oci_linux *l = c->linux_;
  cleanup_close int fd = -1;

  for (size_t i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      if (strcmp (ns->type, "user") != 0)
        continue;
      if (ns->path == NULL || *ns->path == '\0')
        return unshare (CLONE_NEWUSER) == 0;
      fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      return fd >= 0 && setns (fd, CLONE_NEWUSER) == 0;
    }
  return true;
}

/* The order of the init: src/container/container_child.c, then the
 * rlimits right before exec (confine_before_exec). */
static int
apply_all (const oci_config *c, casing_error_t *err)
{
  const oci_process *p = c->process;

  if (personality_apply (c, err) < 0 || process_apply_oom_score_adj (p, err) < 0
      || process_apply_scheduler (p, err) < 0 || process_apply_io_priority (p, err) < 0)
    return -1;
  if (c->linux_ && c->linux_->memory_policy && process_apply_memory_policy (c->linux_->memory_policy, err) < 0)
    return -1;
  return process_apply_rlimits (p, err);
}

static void __attribute__ ((noreturn))
probe_child (const oci_config *c, int report)
{
  casing_error_t err = NULL;

  if (!enter_user_namespace (c))
    _exit (0);
  if (apply_all (c, &err) < 0 && err)
    (void) write_all (report, err->msg, strlen (err->msg));
  _exit (0);
}

void
validate_probe (const oci_config *c, struct problem_list *out)
{
  cleanup_casing_error casing_error_t err = NULL;
  cleanup_free char *msg = NULL;
  int pipefd[2], status;
  pid_t pid;

  if (!worth_probing (c, out) || pipe2 (pipefd, O_CLOEXEC) < 0)
    return;
  pid = fork ();
  if (pid == 0)
    {
      close (pipefd[0]);
      probe_child (c, pipefd[1]);
    }
  close (pipefd[1]);
  /* A probe killed by what it set (RLIMIT_CPU...) refused nothing. */
  if (pid > 0 && read_all_fd (pipefd[0], "the probe", &msg, NULL, NULL) == 0 && msg[0])
    {
      casing_error_set (&err, 0, "%s", msg);
      problems_add_error (out, strncmp (msg, "linux", 5) == 0 ? "linux" : "process",
                          "this host's kernel refuses it, asked as the container's init would be", err);
    }
  close (pipefd[0]);
  while (pid > 0 && waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
}
