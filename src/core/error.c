/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "utils.h"

static char *
vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  return s;
}

int
casing_error_take (casing_error_t *err, int errno_, char *msg)
{
  if (err == NULL)
    {
      free (msg);
      return -1;
    }
  casing_error_release (err);
  *err = xmalloc0 (sizeof (**err));
  (*err)->status = errno_;
  (*err)->msg = msg;
  return -1;
}

int
casing_error_set (casing_error_t *err, int errno_, const char *fmt, ...)
{
  va_list ap;
  char *text, *msg;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  text = vformat (fmt, ap);
  va_end (ap);
  if (errno_ > 0)
    {
      if (asprintf (&msg, "%s: %s", text, strerror (errno_)) < 0)
        abort ();
      free (text);
    }
  else
    msg = text;
  return casing_error_take (err, errno_, msg);
}

int
casing_error_prefix (casing_error_t *err, const char *fmt, ...)
{
  va_list ap;
  char *prefix, *msg;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  prefix = vformat (fmt, ap);
  va_end (ap);
  if (asprintf (&msg, "%s: %s", prefix, (*err)->msg ? (*err)->msg : "") < 0)
    abort ();
  free (prefix);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
casing_error_release (casing_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
