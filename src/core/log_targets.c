/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --log targets crun has besides a file: `journald:IDENT` (the
 * journal's native protocol, one datagram per record, MESSAGE in the
 * binary form so newlines survive) and `syslog:IDENT` (an RFC 3164 line
 * to /dev/log).  Both are refused at start when nothing listens, instead
 * of silently becoming a file named "journald:IDENT". */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log_targets.h"
#include "utils.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SYSLOG_SOCKET "/dev/log"

static const char *
target_name (enum log_target t)
{
  return t == LOG_TARGET_JOURNALD ? "journald" : "syslog";
}

enum log_target
log_target_parse (const char *spec, const char **arg)
{
  static const struct
  {
    const char *prefix;
    enum log_target target;
  } prefixes[] = {
    { "file:", LOG_TARGET_FILE },
    { "journald:", LOG_TARGET_JOURNALD },
    { "syslog:", LOG_TARGET_SYSLOG },
  };

  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp (spec, prefixes[i].prefix, strlen (prefixes[i].prefix)) == 0)
      {
        *arg = spec + strlen (prefixes[i].prefix);
        return prefixes[i].target;
      }
  *arg = spec;
  return LOG_TARGET_FILE;
}

int
log_target_check_ident (const char *ident, casing_error_t *err)
{
  if (strlen (ident) > LOG_IDENT_MAX)
    return casing_error_set (err, 0, "--log: identifier `%.16s...` is longer than %d characters", ident,
                             LOG_IDENT_MAX);
  for (const unsigned char *p = (const unsigned char *) ident; *p; p++)
    if (*p <= ' ' || *p == 0x7f || *p == ':' || *p == '[' || *p == ']')
      return casing_error_set (err, 0, "--log: identifier `%s`: use letters, digits and punctuation "
                               "other than `:[]`", ident);
  return 0;
}

int
log_target_connect (enum log_target t, casing_error_t *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  const char *path = t == LOG_TARGET_JOURNALD ? JOURNAL_SOCKET : SYSLOG_SOCKET;
  int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return casing_error_errno (err, "--log %s: socket", target_name (t));
  strcpy (sa.sun_path, path);
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int e = errno;
      close (fd);
      return casing_error_set (err, e, "--log %s: nothing listens on `%s`", target_name (t), path);
    }
  return fd;
}

/* syslog(3) severities. */
static int
severity (enum log_level level)
{
  static const int sev[] = { 3, 4, 6, 7 };
  return level <= LOG_LEVEL_DEBUG ? sev[level] : 7;
}

static void
put_le64 (FILE *out, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    fputc ((int) ((v >> (8 * i)) & 0xff), out);
}

char *
log_target_record (enum log_target t, const char *ident, enum log_level level, const char *msg, size_t *len)
{
  char *buf = NULL;
  FILE *out = open_memstream (&buf, len);

  if (out == NULL)
    return NULL;
  if (t == LOG_TARGET_JOURNALD)
    {
      fprintf (out, "PRIORITY=%d\nSYSLOG_IDENTIFIER=%s\nMESSAGE\n", severity (level), ident);
      put_le64 (out, strlen (msg));
      fprintf (out, "%s\n", msg);
    }
  else
    {
      char stamp[32];
      time_t now = time (NULL);
      struct tm tm;
      strftime (stamp, sizeof stamp, "%b %e %H:%M:%S", localtime_r (&now, &tm));
      /* Facility user (1), as syslog(3) by default; one line. */
      fprintf (out, "<%d>%s %s[%d]: ", 8 + severity (level), stamp, ident, (int) getpid ());
      for (const char *p = msg; *p; p++)
        fputc (*p == '\n' ? ' ' : *p, out);
    }
  if (fclose (out) != 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}
