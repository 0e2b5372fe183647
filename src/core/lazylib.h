/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Optional libraries (libsystemd, libselinux, libapparmor) are loaded on
 * first use, not at every start: each costs the dynamic loader about a
 * millisecond per exec of casing (libsystemd brings libgcrypt, lz4, zstd
 * and lzma), and casing is executed for every container command, twice
 * for create/run/exec (src/confine/exe_protect.c).  Most commands of most
 * hosts never need them: the systemd driver, or a host with SELinux or
 * AppArmor enabled. */
#ifndef CASING_LAZYLIB_H
#define CASING_LAZYLIB_H

#include <stddef.h>

#include "error.h"

struct lazylib
{
  const char *soname;             /* "libselinux.so.1" */
  const char *feature;            /* for messages: "SELinux" */
  const char *const *symbols;     /* NULL-terminated */
  void **slots;                   /* where each symbol goes, in order */
  int state;                      /* 0 not tried, 1 loaded, -1 failed */
};

/* Load the library and every symbol once; later calls return the result
 * of the first.  On failure: "SELinux needs libselinux.so.1: <why>". */
int lazylib_load (struct lazylib *lib, casing_error_t *err);

#endif
