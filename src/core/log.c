/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "log_targets.h"
#include "utils.h"

static int log_fd = 2;
static enum log_target log_target = LOG_TARGET_FILE;
static char log_ident[LOG_IDENT_MAX + 1] = "casing";
static enum log_format log_format = LOG_FORMAT_TEXT;
static enum log_level log_level = LOG_LEVEL_WARNING;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
log_parse_level (const char *s, enum log_level *out)
{
  for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
    if (strcasecmp (s, level_names[i]) == 0)
      {
        *out = i;
        return 0;
      }
  if (strcasecmp (s, "warn") == 0)
    {
      *out = LOG_LEVEL_WARNING;
      return 0;
    }
  return -1;
}

int
log_parse_format (const char *s, enum log_format *out)
{
  if (strcmp (s, "text") == 0)
    *out = LOG_FORMAT_TEXT;
  else if (strcmp (s, "json") == 0)
    *out = LOG_FORMAT_JSON;
  else
    return -1;
  return 0;
}

int
log_init (const char *path, enum log_format format, enum log_level level, casing_error_t *err)
{
  const char *arg;
  int fd;

  log_format = format;
  log_level = level;
  if (path == NULL || *path == '\0')
    return 0;
  enum log_target target = log_target_parse (path, &arg);
  if (target != LOG_TARGET_FILE)
    {
      if (*arg && log_target_check_ident (arg, err) < 0)
        return -1;
      fd = log_target_connect (target, err);
      if (fd < 0)
        return -1;
      if (*arg)
        snprintf (log_ident, sizeof log_ident, "%s", arg);
      log_target = target;
      log_fd = fd;
      return 0;
    }
  /* Engines pass a plain file path, often in a directory others can write:
   * a symlink or a FIFO planted there is refused, not followed. */
  fd = open_append_regular (arg, 0600, err);
  if (fd < 0)
    return casing_error_prefix (err, "log file");
  log_fd = fd;
  return 0;
}

int
log_get_fd (void)
{
  return log_fd;
}

void
log_detach (void)
{
  if (log_fd > 2)
    log_fd = -1;
}

/* Escape for a JSON string; control characters as \u00XX. */
static void
json_escape (FILE *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
}

static void
log_write_record (enum log_level level, const char *msg)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out;

  if (log_fd < 0)
    return;
  if (log_target != LOG_TARGET_FILE)
    {
      buf = log_target_record (log_target, log_ident, level, msg, &len);
      if (buf)
        (void) send (log_fd, buf, len, MSG_NOSIGNAL);
      free (buf);
      return;
    }
  out = open_memstream (&buf, &len);
  if (out == NULL)
    return;
  if (log_format == LOG_FORMAT_JSON)
    {
      cleanup_free char *now = time_rfc3339_now ();
      fprintf (out, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
      json_escape (out, msg);
      fprintf (out, "\",\"time\":\"%s\"}\n", now);
    }
  else if (log_fd == 2)
    {
      /* A terminal: "casing: msg" for errors, "casing: warning: msg" otherwise. */
      if (level == LOG_LEVEL_ERROR)
        fprintf (out, "casing: %s\n", msg);
      else
        fprintf (out, "casing: %s: %s\n", level_names[level], msg);
    }
  else
    {
      cleanup_free char *now = time_rfc3339_now ();
      fprintf (out, "%s %s: %s\n", now, level_names[level], msg);
    }
  fclose (out);
  (void) write_all (log_fd, buf, len);
  free (buf);
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;
  int saved = errno;

  if (level > log_level)
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg)
    log_write_record (level, msg);
  free (msg);
  errno = saved;
}

void
log_report_error (const casing_error_t err)
{
  const char *msg = err && err->msg ? err->msg : "unknown error";

  log_write_record (LOG_LEVEL_ERROR, msg);
  /* A user at a terminal sees the error even when engines asked for a log
   * file; engines read the file, so stderr stays plain text. */
  if (log_fd != 2)
    {
      cleanup_free char *line = NULL;
      if (xasprintf (&line, "casing: %s\n", msg) >= 0)
        (void) write_all (2, line, strlen (line));
    }
}
