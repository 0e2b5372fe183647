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

/* Wire format: int32 status, uint32 length, message bytes: a failure in a
 * child reaches the user as the same readable message, not as an exit
 * status. */
int
casing_error_write_to_fd (int fd, const casing_error_t err)
{
  int32_t status = err ? err->status : 0;
  const char *msg = err && err->msg ? err->msg : "";
  uint32_t len = strlen (msg);
  char header[8];

  memcpy (header, &status, 4);
  memcpy (header + 4, &len, 4);
  if (write_all (fd, header, sizeof header) < 0)
    return -1;
  return write_all (fd, msg, len);
}

static int
read_exact (int fd, void *buf, size_t len)
{
  size_t done = 0;
  while (done < len)
    {
      ssize_t r = read (fd, (char *) buf + done, len - done);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return r < 0 ? -1 : (int) done;
      done += r;
    }
  return (int) done;
}

int
casing_error_read_from_fd (int fd, casing_error_t *err)
{
  char header[8];
  int32_t status;
  uint32_t len;
  char *msg;
  int r = read_exact (fd, header, sizeof header);

  if (r == 0)
    return 0;
  if (r != (int) sizeof header)
    return casing_error_set (err, 0, "short read of an error from the container setup");
  memcpy (&status, header, 4);
  memcpy (&len, header + 4, 4);
  if (len > (1u << 20))
    return casing_error_set (err, 0, "invalid error record from the container setup");
  msg = xmalloc0 (len + 1);
  if (read_exact (fd, msg, len) != (int) len)
    {
      free (msg);
      return casing_error_set (err, 0, "short read of an error from the container setup");
    }
  casing_error_take (err, status, msg);
  return 1;
}
