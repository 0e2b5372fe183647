/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiled seccomp program, shared by the files of src/confine/. */
#ifndef CASING_CONFINE_SECCOMP_INTERNAL_H
#define CASING_CONFINE_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ocispec.h"
#include "seccomp.h"

struct seccomp_program
{
  struct sock_filter *insns;
  size_t len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
  bool notify;        /* has SCMP_ACT_NOTIFY: load with NEW_LISTENER */
  /* Connected in the runtime by seccomp_connect_listener(): once the
   * child has pivoted into the container, listenerPath (a host path) is
   * out of reach. */
  int listener_sock;
  char *listener_path;
};

/* The program this process loaded last (the child loads one). */
extern struct seccomp_program *seccomp_loaded_program;

/* A connected AF_UNIX stream socket to `path` (CLOEXEC). */
int seccomp_listener_connect (const char *path, casing_error_t *err);

/* Older <linux/seccomp.h> lack it. */
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV_BIT (1U << 5)

/* Run the program over a syscall as the kernel would (classic BPF), for
 * the native architecture; returns the SECCOMP_RET_* value. */
uint32_t seccomp_simulate (const struct seccomp_program *prog, int nr, const uint64_t args[6]);

/* Fail when the program would stop the runtime's own execve() of the
 * container process: such a profile can only make `start` fail, later and
 * with a less clear message. */
int seccomp_check_execve (const struct seccomp_program *prog, casing_error_t *err);

#endif
