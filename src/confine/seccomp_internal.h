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

struct seccomp_program
{
  struct sock_filter *insns;
  size_t len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
  bool notify;        /* has SCMP_ACT_NOTIFY: load with NEW_LISTENER */
  /* Connected in the parent by seccomp_prepare(): once the child has
   * pivoted into the container, listenerPath (a host path) is out of reach. */
  int listener_sock;
  char *listener_path;
};

/* The program this process loaded last (the child loads one). */
extern struct seccomp_program *seccomp_loaded_program;

/* Compile without connecting to the listener (validation). */
int seccomp_compile (const oci_seccomp *seccomp, struct seccomp_program **out, casing_error_t *err);
/* A connected AF_UNIX stream socket to `path` (CLOEXEC). */
int seccomp_listener_connect (const char *path, casing_error_t *err);

/* Also in confine.h; repeated so seccomp.c needs only this header. */
int seccomp_prepare (const oci_seccomp *seccomp, struct seccomp_program **out, casing_error_t *err);
void seccomp_program_free (struct seccomp_program *prog);
const char **seccomp_known_archs (void);
bool seccomp_built (void);

/* Older <linux/seccomp.h> lack it. */
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV_BIT (1U << 5)

/* Flag name -> SECCOMP_FILTER_FLAG_* bit, or 0 when unknown. */
unsigned int seccomp_flag_from_name (const char *name);

/* Run the program over a syscall as the kernel would (classic BPF), for
 * the native architecture; returns the SECCOMP_RET_* value. */
uint32_t seccomp_simulate (const struct seccomp_program *prog, int nr, const uint64_t args[6]);

/* Fail when the program would stop the runtime's own execve() of the
 * container process: such a profile can only make `start` fail, later and
 * with a less clear message. */
int seccomp_check_execve (const struct seccomp_program *prog, casing_error_t *err);

#endif
