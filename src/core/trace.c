/* SPDX-License-Identifier: GPL-2.0-or-later */
/* See trace.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "trace.h"
#include "utils.h"

#define ENV_FILE "CASING_TRACE"
/* Passed by a casing to the casing it re-executes (exe_protect.c). */
#define ENV_ORIGIN "_CASING_TRACE_ORIGIN"
#define ENV_REEXEC "_CASING_TRACE_REEXEC"
#define LINE_MAX_BYTES 1024

bool trace_on;
static int trace_fd = -1;
static uint64_t origin_ns;
static enum trace_proc trace_proc;
static uint64_t process_start_us; /* when this process's trace began */
static bool buffering;
static char *records;
static size_t records_len, records_cap;

static const char *const proc_names[] = {
  [TRACE_RUNTIME] = "runtime",
  [TRACE_INIT] = "init",
  [TRACE_INIT_PIVOTED] = "init-pivoted",
  [TRACE_JOINER] = "exec-joiner",
  [TRACE_CONTAINER] = "container-process",
};

static uint64_t
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

uint64_t
trace_process_start (void)
{
  return process_start_us;
}

uint64_t
trace_now (void)
{
  return (monotonic_ns () - origin_ns) / 1000;
}

static uint64_t
take_env_u64 (const char *name, bool *found)
{
  const char *v = getenv (name);
  uint64_t n = 0;

  *found = v && parse_uint64 (v, &n) == 0;
  if (v)
    unsetenv (name);
  return n;
}

void
trace_init (const char *path)
{
  bool inherited, reexecuted;
  uint64_t origin = take_env_u64 (ENV_ORIGIN, &inherited);
  uint64_t reexec_us = take_env_u64 (ENV_REEXEC, &reexecuted);
  casing_error_t err = NULL;

  if (trace_on)
    return;
  origin_ns = inherited ? origin : monotonic_ns ();
  if (path == NULL)
    path = getenv (ENV_FILE);
  if (path == NULL || *path == '\0')
    return;
  trace_fd = open_append_regular (path, 0644, &err);
  if (trace_fd < 0)
    {
      log_warning ("--trace: %s: tracing is off", err ? err->msg : path);
      casing_error_release (&err);
      return;
    }
  trace_on = true;
  if (reexecuted)
    {
      trace_step ("exec-protect", 0, reexec_us, "re-executed from a sealed copy");
      process_start_us = trace_now ();
    }
}

void
trace_export_for_reexec (void)
{
  char v[32];

  if (!trace_on)
    return;
  snprintf (v, sizeof v, "%llu", (unsigned long long) origin_ns);
  setenv (ENV_ORIGIN, v, 1);
  snprintf (v, sizeof v, "%llu", (unsigned long long) trace_now ());
  setenv (ENV_REEXEC, v, 1);
}

/* `s` as the body of a JSON string, cut to fit `size`. */
static size_t
json_escape (char *out, size_t size, const char *s)
{
  size_t n = 0;

  for (; s && *s && n + 7 < size; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        {
          out[n++] = '\\';
          out[n++] = (char) c;
        }
      else if (c < 0x20)
        n += (size_t) snprintf (out + n, size - n, "\\u%04x", c);
      else
        out[n++] = (char) c;
    }
  out[n] = '\0';
  return n;
}

static void
keep_record (const char *line, size_t len)
{
  if (records_len + len > records_cap)
    {
      records_cap = (records_len + len) * 2 + 4096;
      records = xrealloc (records, records_cap);
    }
  memcpy (records + records_len, line, len);
  records_len += len;
}

void
trace_step (const char *name, int level, uint64_t start_us, const char *detail)
{
  char line[LINE_MAX_BYTES], esc[LINE_MAX_BYTES / 2];
  uint64_t now = trace_now ();
  int n;

  if (!trace_on)
    return;
  json_escape (esc, sizeof esc, detail);
  n = snprintf (line, sizeof line,
                "{\"step\":\"%s\",\"proc\":\"%s\",\"pid\":%d,\"start_us\":%llu,\"dur_us\":%llu,\"level\":%d%s%s%s}\n",
                name, proc_names[trace_proc], (int) getpid (), (unsigned long long) start_us,
                (unsigned long long) (now >= start_us ? now - start_us : 0), level, detail ? ",\"detail\":\"" : "",
                detail ? esc : "", detail ? "\"" : "");
  if (n <= 0 || (size_t) n >= sizeof line)
    return;
  if (buffering)
    keep_record (line, (size_t) n);
  else
    (void) write_all (trace_fd, line, (size_t) n);
}

void
trace_stepf (const char *name, int level, uint64_t start_us, const char *fmt, ...)
{
  char detail[LINE_MAX_BYTES / 2];
  va_list ap;

  if (!trace_on)
    return;
  va_start (ap, fmt);
  vsnprintf (detail, sizeof detail, fmt, ap);
  va_end (ap);
  trace_step (name, level, start_us, detail);
}

void
trace_child (enum trace_proc proc)
{
  if (!trace_on)
    return;
  if (trace_fd >= 0)
    close (trace_fd);
  trace_fd = -1;
  buffering = true;
  trace_proc = proc;
}

void
trace_set_proc (enum trace_proc proc)
{
  trace_proc = proc;
}

char *
trace_take (size_t *len)
{
  char *r = records;

  *len = records_len;
  records = NULL;
  records_len = records_cap = 0;
  return r;
}

void
trace_write_records (const char *lines, size_t len)
{
  if (!trace_on || len == 0)
    return;
  if (buffering)
    keep_record (lines, len);
  else
    (void) write_all (trace_fd, lines, len);
}
