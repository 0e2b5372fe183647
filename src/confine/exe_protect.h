/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: the protection of casing's own executable (exe_protect.c).
 * self_exe_startup() first thing in main; self_exe_seal() in create/run/exec
 * before anything else: re-executes casing from a read-only (or sealed)
 * copy of itself unless it already runs from one; self_exe_protect() then
 * makes us non-dumpable. */
#ifndef CASING_CONFINE_EXE_PROTECT_H
#define CASING_CONFINE_EXE_PROTECT_H

#include <stdbool.h>
#include <sys/stat.h>

#include "core/error.h"

void self_exe_startup (void);
int self_exe_seal (char **argv, casing_error_t *err);
int self_exe_protect (casing_error_t *err);
/* Whether `st` is the casing executable (same file, whatever the path). */
bool self_exe_is (const struct stat *st);

#endif
