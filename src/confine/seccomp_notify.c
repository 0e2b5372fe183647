/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand the seccomp listener to the agent at linux.seccomp.listenerPath, as
 * config-linux.md "The Container Process State" describes: one connection,
 * one JSON document, the fd in SCM_RIGHTS of the first sendmsg(). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/utils.h"
#include "seccomp_internal.h"

static void
append_json_string (FILE *f, const char *s)
{
  fputc ('"', f);
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (f, "\\%c", *p);
      else if (*p < 0x20)
        fprintf (f, "\\u%04x", *p);
      else
        fputc (*p, f);
    }
  fputc ('"', f);
}

static char *
seccomp_notify_message (const char *metadata, int64_t pid, const char *state_json)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (f == NULL)
    abort ();
  fprintf (f, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%" PRId64, OCI_SPEC_VERSION, pid);
  if (metadata)
    {
      fputs (",\"metadata\":", f);
      append_json_string (f, metadata);
    }
  fprintf (f, ",\"state\":%s}", state_json);
  if (fclose (f) != 0)
    abort ();
  return buf;
}

int
seccomp_listener_connect (const char *path, casing_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int dirfd = -1;
  cleanup_free char *copy = NULL;
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return casing_error_errno (err, "socket");
  if (strlen (path) < sizeof addr.sun_path)
    strcpy (addr.sun_path, path);
  else
    {
      /* Too long for sun_path: go through the directory's fd. */
      copy = xstrdup (path);
      dirfd = open (dirname (copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dirfd < 0)
        return casing_error_errno (err, "open the directory of `%s`", path);
      snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dirfd, strrchr (path, '/') + 1);
    }
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casing_error_errno (err, "connect to `%s`", path);
  return steal_fd (&fd);
}

static int
send_with_fd (int sock, const char *msg, size_t len, int fd, casing_error_t *err)
{
  struct iovec iov = { .iov_base = (void *) msg, .iov_len = len };
  ssize_t n = fdpass_send (sock, &iov, 1, fd);

  if (n < 0)
    return casing_error_errno (err, "sendmsg");
  /* The fd went with the first call; the rest is plain payload. */
  if ((size_t) n < len && write_all (sock, msg + n, len - n) < 0)
    return casing_error_errno (err, "write");
  return 0;
}

int
seccomp_send_notify_fd (const oci_seccomp *seccomp, int notify_fd, const char *state_json, casing_error_t *err)
{
  cleanup_free char *msg = NULL;
  cleanup_free char *perr = NULL;
  cleanup_close int sock = -1;
  oci_state *state = NULL;
  int64_t pid = 0;

  if (seccomp == NULL || seccomp->listener_path == NULL || notify_fd < 0)
    return 0;
  if (oci_state_parse_data (state_json, strlen (state_json), "state", &state, &perr) < 0)
    return casing_error_set (err, 0, "linux.seccomp.listenerPath: bad container state: %s",
                             perr ? perr : "?");
  if (state->has_pid)
    pid = state->pid;
  oci_state_free (state);

  msg = seccomp_notify_message (seccomp->listener_metadata, pid, state_json);
  /* The connection made in the runtime, if this is the program we loaded;
   * else (a caller that did not connect it) connect now. */
  if (seccomp_loaded_program && seccomp_loaded_program->listener_sock >= 0
      && strcmp (seccomp_loaded_program->listener_path, seccomp->listener_path) == 0)
    sock = steal_fd (&seccomp_loaded_program->listener_sock);
  else
    sock = seccomp_listener_connect (seccomp->listener_path, err);
  if (sock < 0 || send_with_fd (sock, msg, strlen (msg), notify_fd, err) < 0)
    return casing_error_prefix (err, "linux.seccomp.listenerPath");
  return 0;
}
