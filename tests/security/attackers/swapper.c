/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Races a runtime that checks a file and then executes it by path: swaps
 * two files (atomically, renameat2 RENAME_EXCHANGE) as fast as it can.
 *
 * Usage: swapper A B SECONDS */
#include "common.h"

int
main (int argc, char **argv)
{
  double deadline;
  long swaps = 0, failed = 0;

  if (argc < 4)
    return 2;
  deadline = now_s () + atof (argv[3]);
  report ("swapper: ready (pid %d): swapping %s and %s", (int) getpid (), argv[1], argv[2]);
  while (now_s () < deadline && !stop_requested ())
    for (int i = 0; i < 4096; i++)
      {
        if (renameat2 (AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) == 0)
          swaps++;
        else
          failed++;
      }
  report ("swapper: done: %ld swaps, %ld failed", swaps, failed);
  return 0;
}
