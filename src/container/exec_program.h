/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The program a container process executes, opened once and verified, then
 * executed through what was verified (never looked up again by path).
 *
 * process.args[0] is looked up like execvp, in the container's root (we
 * are past pivot_root or setns), relative names against process.cwd.  A
 * `#!` script is not handed to the kernel: the kernel would need the script
 * by path again (it execs "/dev/fd/N" only for an fd that stays open in the
 * new program, and then gives that name to the interpreter as $0).  So we
 * read the `#!` line from the opened file as the kernel does
 * (fs/binfmt_script.c: one optional argument, 256 bytes), open the
 * interpreter the same way, and execute the interpreter with the kernel's
 * argv: interpreter, optional argument, script path, args[1...].
 *
 * How the final file is executed (exec_program_exec):
 *  - execveat(fd, "", AT_EMPTY_PATH) when the file was reached without a
 *    symlink at its last component and the kernel names the process after
 *    the file (Linux >= 6.14; before, /proc/PID/comm would say "3"):
 *    race-free;
 *  - else execveat(dirfd, name): the directory is the verified handle,
 *    only the last component is looked up again, so that the process keeps
 *    the name it is known by (`sh` for a busybox applet, as with runc and
 *    crun).  What a swap of that last component could reach, our own
 *    executable through /proc/self/exe, is read-only (exe_protect.c);
 *  - execve(path) only when seccomp allows execve but not execveat, or for
 *    a format neither we nor an fd exec can run (binfmt_misc without its
 *    `O` flag). */
#ifndef CASING_EXEC_PROGRAM_H
#define CASING_EXEC_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct exec_program
{
  int fd;          /* the file the kernel loads (O_PATH, verified) */
  int dirfd;       /* the directory it was found in (O_PATH) */
  char *name;      /* its last path component there */
  char *path;      /* the path it was found by (execve fallback, messages) */
  bool by_fd;      /* execveat(fd, "") keeps the process's name */
  bool known_format; /* ELF, or a script we expanded */
  int script_fd;   /* the script of args[0] when it was one, else -1 */
  char *script_path; /* and its path */
  char **argv;     /* NULL-terminated; the strings are owned */
};

#define EXEC_PROGRAM_INIT { .fd = -1, .dirfd = -1, .script_fd = -1 }

/* Look up args[0] (PATH from env, relative names against cwd), follow #!
 * interpreters, verify each file (a regular file with an exec bit, not
 * the casing executable).  Errors use the wording engines match on
 * (`exec: "x": executable file not found in $PATH`, ...).  `reopen`
 * opens a readable fd from an O_PATH one (through procfs); when it fails
 * the file's format is left to the kernel. */
int exec_program_open (char *const *args, size_t nargs, char *const *env, const char *cwd,
                       int (*reopen) (int fd, casing_error_t *err), struct exec_program *out,
                       casing_error_t *err);

/* As the final user, right before exec: the kernel checks the exec
 * permission of the file it loads, not of a script we expanded. */
int exec_program_check_access (const struct exec_program *p, casing_error_t *err);

/* Execute (returns only on failure, with errno set).  `execveat_allowed`
 * is false when the seccomp filter loaded lets execve through but not
 * execveat. */
void exec_program_exec (const struct exec_program *p, char *const *env, bool execveat_allowed);

void exec_program_release (struct exec_program *p);

/* For tests: whether the kernel names a process after the file of an
 * fd exec (Linux >= 6.14), and a way to force the by-name path. */
bool exec_program_kernel_names_fd_exec (void);
void exec_program_test_options (bool never_by_fd);

#endif
