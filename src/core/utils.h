/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CASING_UTILS_H
#define CASING_UTILS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"

/* cleanup helpers: `cleanup_free char *s = ...;` `cleanup_close int fd = -1;` */
static inline void cleanup_freep (void *p) { free (*(void **) p); }
static inline void cleanup_closep (int *fd) { if (*fd >= 0) close (*fd); }
static inline void cleanup_fclosep (FILE **f) { if (*f) fclose (*f); }
static inline void cleanup_closedirp (DIR **d) { if (*d) closedir (*d); }
#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (cleanup_fclosep)))
#define cleanup_dir __attribute__ ((cleanup (cleanup_closedirp)))

/* Hand a value out of a cleanup variable. */
#define steal_pointer(pp) ({ __typeof__ (*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })

/* execvp's search path when the environment has no PATH: where the
 * container's program is looked up (and the validation's hint about it). */
#define EXEC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void *xmalloc0 (size_t size);             /* aborts on ENOMEM, like every allocator here */
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
int xasprintf (char **out, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Read a whole file (or fd) into a NUL-terminated buffer. */
int read_all_file (const char *path, char **out, size_t *len, casing_error_t *err);
int read_all_fd (int fd, const char *description, char **out, size_t *len, casing_error_t *err);
int read_file_at (int dirfd, const char *path, char **out, size_t *len, casing_error_t *err);

/* write(2) all of buf, retrying on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);
/* Write a string to an existing file (cgroup, procfs): open O_WRONLY, write, close. */
int write_file_at (int dirfd, const char *path, const char *data, size_t len, casing_error_t *err);
/* For a file in a directory someone else may write: open the directory of
 * `path` (O_PATH) and point *name at the last component, so the file is
 * then reached relative to that fd only.  Returns the fd. */
int open_parent_dir (const char *path, const char **name, casing_error_t *err);
/* Create or replace `name` atomically: the data goes to a new file with a
 * random name (O_CREAT|O_EXCL|O_NOFOLLOW), renamed over `name` with
 * renameat(2), which replaces a symlink there instead of following it. */
int write_file_atomic_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                          casing_error_t *err);
int write_file_atomic (const char *path, const char *data, size_t len, mode_t mode, casing_error_t *err);
/* The pid as text in `path` (--pid-file), written atomically. */
int write_pid_file (const char *path, pid_t pid, casing_error_t *err);
/* Open `path` to append (a log): created O_EXCL|O_NOFOLLOW when missing;
 * an existing one must be a regular file with one link, not a symlink. */
int open_append_regular (const char *path, mode_t mode, casing_error_t *err);

/* The uid of a unix socket's peer (SO_PEERCRED; on a listening socket,
 * of the caller of listen(2)), as the caller's user namespace sees it. */
int socket_peer_uid (int sock, uid_t *uid, casing_error_t *err);

int mkdir_p (const char *path, mode_t mode, casing_error_t *err);
/* rm -rf below a directory fd, not crossing mount points. */
int remove_tree_at (int dirfd, const char *name, casing_error_t *err);

/* Parse a whole string as a number; -1 with errno EINVAL/ERANGE otherwise. */
int parse_int64 (const char *s, int64_t *out);
int parse_uint64 (const char *s, uint64_t *out);

/* State (field 3; `state` may be NULL) and start time (field 22) of
 * /proc/PID/stat: the start time tells pid reuse apart. */
int process_stat (pid_t pid, char *state, uint64_t *start_time, casing_error_t *err);
int process_start_time (pid_t pid, uint64_t *out, casing_error_t *err);

/* Make sure every fd >= from is O_CLOEXEC (close_range where available). */
int mark_fds_cloexec_from (int from, casing_error_t *err);

/* Current time as RFC 3339 with nanoseconds, UTC. */
char *time_rfc3339_now (void);

#endif
