/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one validation of a config: every value that `create` or the
 * container's init could refuse is checked here, before anything exists
 * (state, cgroup, hook, namespace).  `casing check` prints every problem;
 * `create` runs the same checks and fails on the first error, so the two
 * never disagree.  The seccomp profile is compiled here, once: `create`
 * hands that program to the init.
 *
 * Only what depends on the container's own view (a path inside its root
 * once the mounts and the createContainer hooks are done, a sysctl of its
 * network namespace) is left to the init; for those, when the host's view
 * suggests a failure, this says it cannot be decided without creating the
 * container (a warning naming the path). */
#ifndef CASING_VALIDATE_H
#define CASING_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "confine/seccomp.h"
#include "core/error.h"
#include "ocispec.h"

enum problem_severity
{
  PROBLEM_ERROR,
  PROBLEM_WARNING,
};

struct problem
{
  enum problem_severity severity;
  char *path;    /* JSON path in config.json, e.g. "linux.namespaces[2].path" */
  char *message;
  char *hint;    /* may be NULL */
  bool undecided; /* a warning only `check` reports: create decides it itself */
};

struct problem_list
{
  struct problem *items;
  size_t len;
};

void problems_add (struct problem_list *l, enum problem_severity severity, const char *path,
                   const char *hint, const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
size_t problems_count (const struct problem_list *l, enum problem_severity severity);
void problems_free (struct problem_list *l);

/* Every check; `bundle` is the absolute bundle directory.  With `seccomp`
 * not NULL the compiled filter is handed over there (NULL when the config
 * has none or it does not compile); it is never connected to its listener
 * here.  With `probe` (`check`), a short-lived child asks the kernel what
 * the init will ask it before any hook runs (validate_probe.c); create
 * lets its init be that question. */
void validate_config (const oci_config *config, const char *bundle, struct problem_list *out,
                      struct seccomp_program **seccomp, bool probe);

/* For `create`: warnings are logged, the first error is returned. */
int validate_config_for_create (const oci_config *config, const char *bundle, struct seccomp_program **seccomp,
                                casing_error_t *err);
/* For `exec`: the checks of validate_config that concern a process given
 * on its own (--user, --additional-gids, --process FILE), with the same
 * rules and JSON paths; `what` prefixes the message. */
int validate_process_for_exec (const oci_process *process, const char *what, casing_error_t *err);

#endif
