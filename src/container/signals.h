/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CASING_SIGNALS_H
#define CASING_SIGNALS_H

#include "core/error.h"

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3", "SIGRTMAX-1" -> number. */
int signal_parse (const char *s, int *out, casing_error_t *err);

#endif
