/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd_notify STATE...: send the states (READY=1...) to $NOTIFY_SOCKET as
 * systemd's sd_notify(3) does, in one datagram.  Static, for a busybox
 * rootfs that has no systemd-notify. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  const char *path = getenv ("NOTIFY_SOCKET");
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  char msg[4096] = "";
  socklen_t len;
  int fd;

  if (path == NULL || path[0] == '\0' || strlen (path) >= sizeof sa.sun_path || argc < 2)
    {
      fprintf (stderr, "usage: NOTIFY_SOCKET=PATH sd_notify STATE...\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      if (strlen (msg) + strlen (argv[i]) + 2 > sizeof msg)
        return 2;
      strcat (msg, argv[i]);
      if (i + 1 < argc)
        strcat (msg, "\n");
    }
  strcpy (sa.sun_path, path);
  len = offsetof (struct sockaddr_un, sun_path) + strlen (path);
  if (path[0] == '@')
    sa.sun_path[0] = '\0';
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || sendto (fd, msg, strlen (msg), 0, (struct sockaddr *) &sa, len) < 0)
    {
      perror ("sd_notify");
      return 1;
    }
  close (fd);
  return 0;
}
