/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny test harness for the src/confine/ unit tests: CHECK() records a
 * failure and goes on; run_in_child() runs a function in a forked child so
 * that what it changes (capabilities, seccomp, uid) stays there. */
#ifndef CONFINE_TEST_H
#define CONFINE_TEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"

static int test_failures;

#define CHECK(cond)                                                                   \
  do                                                                                  \
    {                                                                                 \
      if (! (cond))                                                                   \
        {                                                                             \
          fprintf (stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
          test_failures++;                                                            \
        }                                                                             \
    }                                                                                 \
  while (0)

/* The error message contains `needle`. */
#define CHECK_ERR(err, needle)                                                        \
  do                                                                                  \
    {                                                                                 \
      if ((err) == NULL || strstr ((err)->msg, (needle)) == NULL)                     \
        {                                                                             \
          fprintf (stderr, "%s:%d: %s: expected an error with \"%s\", got \"%s\"\n", __FILE__, __LINE__, \
                   __func__, (needle), (err) ? (err)->msg : "(none)");               \
          test_failures++;                                                            \
        }                                                                             \
      casing_error_release (&(err));                                                  \
    }                                                                                 \
  while (0)

#define CHECK_OK(expr, err)                                                           \
  do                                                                                  \
    {                                                                                 \
      if ((expr) < 0)                                                                 \
        {                                                                             \
          fprintf (stderr, "%s:%d: %s: %s failed: %s\n", __FILE__, __LINE__, __func__, #expr, \
                   (err) ? (err)->msg : "?");                                        \
          test_failures++;                                                            \
          casing_error_release (&(err));                                              \
        }                                                                             \
    }                                                                                 \
  while (0)

/* In a child, a failed CHECK makes the exit status non-zero. */
#define CHILD_DONE() _exit (test_failures ? 1 : 0)

/* Fork, run fn(arg) in the child, return the raw wait status. */
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
      test_failures = 0;
      fn (arg);
      CHILD_DONE ();
    }
  while (waitpid (pid, &status, 0) < 0)
    ;
  return status;
}

#define CHECK_CHILD_OK(fn, arg)                                                       \
  do                                                                                  \
    {                                                                                 \
      int st_ = run_in_child ((fn), (arg));                                           \
      if (! WIFEXITED (st_) || WEXITSTATUS (st_) != 0)                                \
        {                                                                             \
          fprintf (stderr, "%s:%d: child %s failed (status 0x%x)\n", __FILE__, __LINE__, #fn, st_); \
          test_failures++;                                                            \
        }                                                                             \
    }                                                                                 \
  while (0)

/* Read "Key:\t value" from /proc/self/status into buf. */
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

static inline int
test_summary (const char *name)
{
  if (test_failures)
    fprintf (stderr, "%s: %d check(s) failed\n", name, test_failures);
  else
    printf ("%s: all checks passed\n", name);
  return test_failures ? 1 : 0;
}

#endif
