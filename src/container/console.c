/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/utils.h"
#include "console.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
console_open_pty (const oci_console_size *size, int *master, int *slave, char **name,
                  casing_error_t *err)
{
  cleanup_close int m = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  char buf[128];
  int s;

  if (m < 0)
    return casing_error_errno (err, "open `/dev/ptmx`");
  if (unlockpt (m) < 0)
    return casing_error_errno (err, "unlockpt");
  if (ptsname_r (m, buf, sizeof buf) != 0)
    return casing_error_errno (err, "ptsname");
  /* TIOCGPTPEER opens the slave of *this* master even if the name resolves
   * elsewhere (a devpts without newinstance, a hostile /dev/pts). */
  s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    s = open (buf, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return casing_error_errno (err, "open the pty slave `%s`", buf);
  if (size && size->height && size->width)
    {
      struct winsize ws = { .ws_row = size->height, .ws_col = size->width };
      if (ioctl (s, TIOCSWINSZ, &ws) < 0)
        {
          int saved = errno;
          close (s);
          return casing_error_set (err, saved, "set the console size");
        }
    }
  *slave = s;
  *master = steal_fd (&m);
  *name = xstrdup (buf);
  return 0;
}

int
console_make_controlling (int slave, casing_error_t *err)
{
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return casing_error_errno (err, "make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return casing_error_errno (err, "dup2 the pty to fd %d", fd);
  return 0;
}

/* The engine made the socket, maybe in a directory others can write: a
 * symlink planted at its name (or at the name before the engine binds)
 * would hand the pty master to whoever owns the target.  The name is opened
 * O_PATH|O_NOFOLLOW, checked to be a socket, and connected to through
 * /proc/self/fd, which reaches that very inode (and keeps sun_path short
 * whatever the length of the path). */
int
console_socket_connect (const char *path, casing_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int dirfd = -1, pathfd = -1, fd = -1;
  const char *name;
  struct stat st;

  dirfd = open_parent_dir (path, &name, err);
  if (dirfd < 0)
    return casing_error_prefix (err, "console socket");
  pathfd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (pathfd < 0 || fstat (pathfd, &st) < 0)
    return casing_error_errno (err, "open the console socket `%s`", path);
  if (S_ISLNK (st.st_mode))
    return casing_error_set (err, 0, "console socket `%s` is a symbolic link: refused", path);
  if (!S_ISSOCK (st.st_mode))
    return casing_error_set (err, 0, "console socket `%s` is not a socket", path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return casing_error_errno (err, "socket");
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d", pathfd);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casing_error_errno (err, "connect to the console socket `%s`", path);
  return steal_fd (&fd);
}

int
console_socket_send (int sock, const char *pty_name, int master, casing_error_t *err)
{
  struct iovec iov = { (void *) pty_name, strlen (pty_name) };

  if (fdpass_send (sock, &iov, 1, master) < 0)
    return casing_error_errno (err, "send the pty master to the console socket");
  return 0;
}

int
console_deliver_master (int console_sock, const char *pty_name, int *fd, int *master, casing_error_t *err)
{
  if (console_sock >= 0)
    return console_socket_send (console_sock, pty_name, *fd, err);
  *master = steal_fd (fd);
  return 0;
}
