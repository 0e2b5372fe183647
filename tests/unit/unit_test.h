/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one harness of the C unit tests.  Output is TAP, read by automake's
 * tap-driver.sh: one line per test function run with UNIT_RUN ("ok",
 * "not ok", or "ok ... # SKIP why"), the plan last (unit_done).
 *
 *   CHECK (cond)          records a failure in the current test and goes on;
 *                         an expression: true when cond held
 *   CHECK_MSG (cond, fmt, ...)  the same, saying what was checked
 *   CHECK_STR, CHECK_INT, CHECK_UINT   compare, print both sides on failure
 *   CHECK_ERR (err, needle)   err is set and its message contains needle
 *                             (err is released)
 *   CHECK_OK (expr, err)      expr >= 0, else print err's message
 *   SKIP_TEST (why)           end the current test function as skipped
 *   run_in_child (fn, arg)    fork, run fn there (what it changes stays
 *                             there); CHECK_CHILD_OK fails when a CHECK
 *                             failed in the child
 *
 * A check that cannot run is never counted as passed: SKIP_TEST, or
 * unit_skip_all() for a whole program (the TAP plan "1..0 # SKIP"). */
#ifndef CASING_UNIT_TEST_H
#define CASING_UNIT_TEST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"

static int unit_tests_run, unit_tests_failed;
static int unit_checks, unit_failures; /* of the current test */
static const char *unit_current;        /* NULL: checks made outside UNIT_RUN */
static const char *unit_skip_reason;

static inline bool
unit_check (bool ok, const char *what, const char *file, int line)
{
  unit_checks++;
  if (!ok)
    {
      unit_failures++;
      fprintf (stderr, "%s:%d: %s: check failed: %s\n", file, line, unit_current ? unit_current : "main", what);
    }
  return ok;
}

#define CHECK(cond) unit_check ((cond) ? true : false, #cond, __FILE__, __LINE__)

static inline bool __attribute__ ((format (printf, 4, 5)))
unit_check_msg (bool ok, const char *file, int line, const char *fmt, ...)
{
  char *what = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&what, fmt, ap) < 0)
    what = NULL;
  va_end (ap);
  ok = unit_check (ok, what ? what : fmt, file, line);
  free (what);
  return ok;
}

#define CHECK_MSG(cond, ...) unit_check_msg ((cond) ? true : false, __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_STR(actual, expected)                                                                       \
  do                                                                                                      \
    {                                                                                                     \
      const char *a_ = (actual), *e_ = (expected);                                                        \
      if (!unit_check (a_ != NULL && e_ != NULL && strcmp (a_, e_) == 0, #actual " == " #expected,        \
                       __FILE__, __LINE__))                                                               \
        fprintf (stderr, "     got:      %s\n     expected: %s\n", a_ ? a_ : "(null)", e_ ? e_ : "(null)"); \
    }                                                                                                     \
  while (0)

#define CHECK_INT(actual, expected)                                                                       \
  do                                                                                                      \
    {                                                                                                     \
      long long a_ = (long long) (actual), e_ = (long long) (expected);                                   \
      if (!unit_check (a_ == e_, #actual " == " #expected, __FILE__, __LINE__))                           \
        fprintf (stderr, "     got: %lld, expected: %lld\n", a_, e_);                                     \
    }                                                                                                     \
  while (0)

#define CHECK_UINT(actual, expected)                                                                      \
  do                                                                                                      \
    {                                                                                                     \
      unsigned long long a_ = (actual), e_ = (expected);                                                  \
      if (!unit_check (a_ == e_, #actual " == " #expected, __FILE__, __LINE__))                           \
        fprintf (stderr, "     got: %llu, expected: %llu\n", a_, e_);                                     \
    }                                                                                                     \
  while (0)

#define CHECK_ERR(err, needle)                                                                            \
  do                                                                                                      \
    {                                                                                                     \
      if (!unit_check ((err) != NULL && strstr ((err)->msg, (needle)) != NULL,                            \
                       "an error containing " #needle, __FILE__, __LINE__))                         \
        fprintf (stderr, "     got: %s\n", (err) ? (err)->msg : "(no error)");                            \
      casing_error_release (&(err));                                                                      \
    }                                                                                                     \
  while (0)

#define CHECK_OK(expr, err)                                                                               \
  do                                                                                                      \
    {                                                                                                     \
      if (!unit_check ((expr) >= 0, #expr " succeeds", __FILE__, __LINE__))                               \
        fprintf (stderr, "     error: %s\n", (err) ? (err)->msg : "?");                                   \
      casing_error_release (&(err));                                                                      \
    }                                                                                                     \
  while (0)

/* Only in a function run by UNIT_RUN that returns void. */
#define SKIP_TEST(why)                                                                                    \
  do                                                                                                      \
    {                                                                                                     \
      unit_skip_reason = (why);                                                                           \
      return;                                                                                             \
    }                                                                                                     \
  while (0)

static inline void
unit_report_test (const char *name)
{
  unit_tests_run++;
  if (unit_failures)
    {
      unit_tests_failed++;
      printf ("not ok %d - %s (%d of %d checks failed)\n", unit_tests_run, name, unit_failures, unit_checks);
    }
  else if (unit_skip_reason)
    printf ("ok %d - %s # SKIP %s\n", unit_tests_run, name, unit_skip_reason);
  else
    printf ("ok %d - %s (%d checks)\n", unit_tests_run, name, unit_checks);
  fflush (stdout);
  unit_checks = unit_failures = 0;
  unit_skip_reason = NULL;
}

static inline void
unit_begin (const char *name)
{
  /* Checks made before, outside any test, are a test of their own. */
  if (unit_checks || unit_skip_reason)
    unit_report_test ("checks in main");
  unit_current = name;
}

static inline void
unit_end (void)
{
  unit_report_test (unit_current);
  unit_current = NULL;
}

/* Run one test: a call such as test_kill ("SCMP_ACT_KILL"), named by its text. */
#define UNIT_RUN(call)                                                                                    \
  do                                                                                                      \
    {                                                                                                     \
      unit_begin (#call);                                                                                 \
      call;                                                                                               \
      unit_end ();                                                                                        \
    }                                                                                                     \
  while (0)

/* The plan and the exit status; `program` names the program in a comment. */
static inline int
unit_done (const char *program)
{
  if (unit_checks || unit_skip_reason)
    unit_report_test ("checks in main");
  printf ("1..%d\n# %s: %d tests, %d failed\n", unit_tests_run, program, unit_tests_run, unit_tests_failed);
  return unit_tests_failed ? 1 : 0;
}

/* A program none of whose tests can run here. */
static inline int
unit_skip_all (const char *program, const char *why)
{
  printf ("1..0 # SKIP %s: %s\n", program, why);
  return 0;
}

/* Fork, run fn(arg) in the child, return the raw wait status; the child
 * exits non-zero when one of its checks failed. */
static inline int
run_in_child (void (*fn) (void *), void *arg)
{
  int status = 0;
  pid_t pid;

  fflush (NULL);
  pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      unit_failures = 0;
      fn (arg);
      fflush (NULL);
      _exit (unit_failures ? 1 : 0);
    }
  while (waitpid (pid, &status, 0) < 0)
    ;
  return status;
}

#define CHECK_CHILD_OK(fn, arg)                                                                           \
  do                                                                                                      \
    {                                                                                                     \
      int st_ = run_in_child ((fn), (arg));                                                               \
      if (!unit_check (WIFEXITED (st_) && WEXITSTATUS (st_) == 0, "child " #fn " succeeds", __FILE__,     \
                       __LINE__))                                                                         \
        fprintf (stderr, "     wait status 0x%x\n", st_);                                                 \
    }                                                                                                     \
  while (0)

/* A test that is one function run in a child, as root only:
 * UNIT_RUN (child_test_as_root (fn, arg)). */
static inline void
child_test_as_root (void (*fn) (void *), void *arg)
{
  if (geteuid () != 0)
    SKIP_TEST ("needs root");
  CHECK_CHILD_OK (fn, arg);
}

/* "Key:\t value" of /proc/self/status into buf. */
static inline bool
status_field (const char *key, char *buf, size_t len)
{
  FILE *f = fopen ("/proc/self/status", "re");
  char line[512];
  size_t kl = strlen (key);
  bool found = false;

  if (f == NULL)
    return false;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, key, kl) == 0 && line[kl] == ':')
      {
        char *v = line + kl + 1;
        v += strspn (v, " \t");
        v[strcspn (v, "\n")] = '\0';
        snprintf (buf, len, "%s", v);
        found = true;
        break;
      }
  fclose (f);
  return found;
}

#endif
