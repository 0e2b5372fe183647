/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The part of sd-bus the systemd driver uses, from libsystemd loaded on
 * first use (src/core/lazylib.h).  Include instead of <systemd/sd-bus.h>; call
 * sd_bus_lazy_load() before any other sd_bus_* function (bus_open does). */
#ifndef CASING_SD_BUS_LAZY_H
#define CASING_SD_BUS_LAZY_H

#include <systemd/sd-bus.h>

#include "core/error.h"

struct sd_bus_api
{
  __typeof__ (sd_bus_default_system) *default_system;
  __typeof__ (sd_bus_default_user) *default_user;
  __typeof__ (sd_bus_flush_close_unref) *flush_close_unref;
  __typeof__ (sd_bus_call) *call;
  __typeof__ (sd_bus_call_method) *call_method;
  __typeof__ (sd_bus_error_free) *error_free;
  __typeof__ (sd_bus_error_has_name) *error_has_name;
  __typeof__ (sd_bus_match_signal) *match_signal;
  __typeof__ (sd_bus_message_append) *message_append;
  __typeof__ (sd_bus_message_append_array) *message_append_array;
  __typeof__ (sd_bus_message_open_container) *message_open_container;
  __typeof__ (sd_bus_message_close_container) *message_close_container;
  __typeof__ (sd_bus_message_new_method_call) *message_new_method_call;
  __typeof__ (sd_bus_message_read) *message_read;
  __typeof__ (sd_bus_message_unref) *message_unref;
  __typeof__ (sd_bus_process) *process;
  __typeof__ (sd_bus_slot_unref) *slot_unref;
  __typeof__ (sd_bus_wait) *wait;
};

extern struct sd_bus_api sd_bus_api;

int sd_bus_lazy_load (casing_error_t *err);

#define sd_bus_default_system (sd_bus_api.default_system)
#define sd_bus_default_user (sd_bus_api.default_user)
#define sd_bus_flush_close_unref (sd_bus_api.flush_close_unref)
#define sd_bus_call (sd_bus_api.call)
#define sd_bus_call_method (sd_bus_api.call_method)
#define sd_bus_error_free (sd_bus_api.error_free)
#define sd_bus_error_has_name (sd_bus_api.error_has_name)
#define sd_bus_match_signal (sd_bus_api.match_signal)
#define sd_bus_message_append (sd_bus_api.message_append)
#define sd_bus_message_append_array (sd_bus_api.message_append_array)
#define sd_bus_message_open_container (sd_bus_api.message_open_container)
#define sd_bus_message_close_container (sd_bus_api.message_close_container)
#define sd_bus_message_new_method_call (sd_bus_api.message_new_method_call)
#define sd_bus_message_read (sd_bus_api.message_read)
#define sd_bus_message_unref (sd_bus_api.message_unref)
#define sd_bus_process (sd_bus_api.process)
#define sd_bus_slot_unref (sd_bus_api.slot_unref)
#define sd_bus_wait (sd_bus_api.wait)

#endif
