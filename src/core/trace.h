/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-step trace: `casing --trace FILE` (or CASING_TRACE=FILE) writes
 * one JSON line per step of create, start, run, exec and delete:
 *
 *   {"step":"mount","proc":"init","pid":7,"start_us":5120,"dur_us":38,
 *    "level":1,"detail":"/proc"}
 *
 * start_us counts from the start of the first casing process of the
 * command (before it re-executed itself, src/confine/exe_protect.c).
 * `proc` says who ran it: the runtime, the container init before and after
 * pivot_root, exec's joining process, the container process.  Level 0 steps
 * of the runtime follow each other and cover its whole run; deeper levels
 * detail them.
 *
 * Only processes of the runtime write the file.  A process that is (or
 * will be) in the container keeps its records in memory and hands them over
 * the socket it already has to the runtime (trace_flush_to), so it never
 * holds an fd on a host file.  When tracing is off every call is a test of
 * one variable. */
#ifndef CASING_TRACE_H
#define CASING_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_proc
{
  TRACE_RUNTIME = 0,
  TRACE_INIT,          /* the container init, before pivot_root */
  TRACE_INIT_PIVOTED,  /* the container init, after it */
  TRACE_JOINER,        /* exec's process joining the container */
  TRACE_CONTAINER,     /* the container process made by exec or a pod join */
};

extern bool trace_on;

static inline bool
trace_enabled (void)
{
  return trace_on;
}

/* Start tracing to `path` (NULL: from CASING_TRACE, else off).  A casing
 * re-executed by itself goes on with the same file and clock origin. */
void trace_init (const char *path);
/* Microseconds since the origin. */
uint64_t trace_now (void);
/* When this process's own part began (after a re-execution, its end). */
uint64_t trace_process_start (void);
/* Record [start_us, now) as step `name` at `level`; detail may be NULL. */
void trace_step (const char *name, int level, uint64_t start_us, const char *detail);
void trace_stepf (const char *name, int level, uint64_t start_us, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* In a child of ours: close the file, keep records in memory as `proc`. */
void trace_child (enum trace_proc proc);
void trace_set_proc (enum trace_proc proc);
/* The records kept in memory (JSON lines), emptied: for the runtime. */
char *trace_take (size_t *len);
/* Runtime: write records a child handed over. */
void trace_write_records (const char *lines, size_t len);
/* For exe_protect.c: the environment a re-executed casing needs to go on
 * tracing (set before its execveat, NULL-safe). */
void trace_export_for_reexec (void);

/* A step around a statement: TRACE (name, level, detail) { ... } is not
 * possible in C; these two lines are the idiom. */
#define TRACE_START(var) uint64_t var = trace_enabled () ? trace_now () : 0
#define TRACE_STEP(var, name, level, detail)                                                       \
  do                                                                                               \
    {                                                                                              \
      if (trace_enabled ())                                                                        \
        trace_step ((name), (level), (var), (detail));                                             \
    }                                                                                              \
  while (0)

#endif
