/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verified access to procfs, the one way every area (isolation: uid_map,
 * sysctls, time offsets; confine: LSM labels, oom_score_adj) opens or
 * writes a file below /proc.
 *
 * A container config can mount anything over /proc or over a file below it
 * (CVE-2025-31133, CVE-2025-52565, CVE-2025-52881: a bind mount of
 * /proc/sys/kernel/core_pattern over /proc/self/attr/exec turns "write the
 * LSM label" into "write a host sysctl").  So a path below /proc is never
 * opened by name: it is resolved from a procfs root handle that is checked
 * to be the root of a real procfs, without crossing a mount point and without
 * following magic links, and the result is checked to be on procfs too. */
#ifndef CASING_PROCFS_H
#define CASING_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The procfs root handle for the files of processes (O_PATH, cached,
 * O_CLOEXEC): a private procfs instance of the caller's pid namespace
 * (fsopen, subset=pid where the kernel has it: nothing but processes) when
 * the kernel allows it, else /proc after checking it is the root of a
 * procfs.  Do not close it.  Paths outside processes (sys/...) resolve in a
 * private instance mounted read-only, or for a write, in a writable one
 * made for that one open.
 *
 * A process that enters a container drops every handle it inherited
 * (procfs_reset) and opens its own there, from the container's pid and
 * mount namespaces; and drops those too before its chdir to process.cwd,
 * so that no "/proc/self/fd/N" can lead the container process out
 * (CVE-2024-21626). */
int procfs_root (casing_error_t *err);

/* The cached root handle, or -1 when none was opened yet (never opens
 * one): for a caller closing every fd it does not need. */
int procfs_root_if_open (void);

/* Open `path` below procfs ("self/attr/exec", "thread-self/oom_score_adj",
 * "sys/net/ipv4/ip_forward", "PID/uid_map"; a leading "/proc/" is accepted
 * and ignored).  A "PID/..." path names a pid of the caller's pid namespace:
 * a root handle showing another namespace's pids is replaced first.
 * `flags` are open(2) flags; O_CLOEXEC is always added.  Fails when the path leaves the procfs mount,
 * crosses a mount point or does not end on procfs. */
int procfs_open_verified (const char *path, int flags, casing_error_t *err);

/* Open, write `data` (len bytes) in one write(2), close. */
int procfs_write_verified (const char *path, const char *data, size_t len, casing_error_t *err);

/* 0 when fd is on procfs, else < 0 with `what` in the message. */
int procfs_check_fd (int fd, const char *what, casing_error_t *err);

/* For tests: resolve without openat2(2), as on kernels before 5.6, and/or
 * without a private procfs instance, as when proc cannot be mounted. */
void procfs_test_options (bool no_openat2, bool no_private_proc);
/* Close the cached root handles (they are opened again on demand). */
void procfs_reset (void);

/* A new fd on what `fd` (O_PATH) refers to, opened with `flags` through
 * procfs (self/fd/N), never by path. */
int procfs_reopen (int fd, int flags, casing_error_t *err);

#endif
