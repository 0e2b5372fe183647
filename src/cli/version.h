/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CASING_VERSION_H
#define CASING_VERSION_H

#include <stdio.h>

/* `casing --version`: version, commit, spec version and the optional
 * features this binary was built with. */
void print_version (FILE *out);

#endif
