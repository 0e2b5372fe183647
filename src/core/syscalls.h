/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The syscalls glibc does not wrap that more than one area needs: openat2
 * (verified procfs access, in-root path resolution) and pivot_root. */
#ifndef CASING_SYSCALLS_H
#define CASING_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/openat2.h>

/* openat2(2) with `flags` and `resolve`; O_CREAT creates with mode 0644. */
int sys_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t resolve);
/* With CASING_TEST_NO_OPENAT2=1 in casing's own environment (read once, at
 * start, before any container environment exists), sys_openat2 fails with
 * ENOSYS as on a kernel before 5.6: the test suite runs every fallback. */
void sys_openat2_test_init (void);
bool sys_openat2_disabled (void);
int sys_pivot_root (const char *new_root, const char *put_old);

#endif
