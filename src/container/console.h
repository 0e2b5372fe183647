/* SPDX-License-Identifier: GPL-2.0-or-later */
/* process.terminal: the pty is allocated inside the container (its devpts),
 * the master goes to the engine through --console-socket as one message
 * whose payload is the pty name and whose SCM_RIGHTS carries the fd. */
#ifndef CASING_CONSOLE_H
#define CASING_CONSOLE_H

#include "core/error.h"
#include "ocispec.h"

/* Open /dev/ptmx (of the current mount namespace), unlock it, size it. */
int console_open_pty (const oci_console_size *size, int *master, int *slave, char **name,
                      casing_error_t *err);
/* Make `slave` the controlling terminal and stdin/stdout/stderr. */
int console_make_controlling (int slave, casing_error_t *err);

int console_socket_connect (const char *path, casing_error_t *err);
int console_socket_send (int sock, const char *pty_name, int master, casing_error_t *err);
/* The pty master the container sent (`create` and `exec` alike): to the
 * engine through `console_sock` when one was given, else taken from *fd
 * into *master for the caller (a foreground `run` or `exec`). */
int console_deliver_master (int console_sock, const char *pty_name, int *fd, int *master, casing_error_t *err);

#endif
