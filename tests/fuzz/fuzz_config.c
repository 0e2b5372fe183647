/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the same bytes go to every libocispec parser; what a
 * parser accepts must generate, re-parse and compare equal.  Built with
 * ./configure --enable-fuzzing CC=clang, run by tests/fuzz/run-fuzz.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_engine.h"
#include "ocispec.h"
#include "tables.h"

static const struct
{
  const oci_desc *desc;
  const char *name;
} targets[] = {
  { &oci_config_desc, "config.json" }, { &oci_process_desc, "process.json" }, { &oci_state_desc, "state" },
  { &oci_resources_desc, "resources" }, { &oci_features_desc, "features" }, { &casing_state_desc, "state.json" },
  { &oci_container_process_state_desc, "container process state" },
};

static void
check_round_trip (const oci_desc *d, const char *name, const void *doc)
{
  char *err = NULL;
  void *again = NULL;
  char *out = oci_generate_document (d, doc, false, name, &err);

  /* an accepted document that cannot be written back, or that reads back
   * differently, is a bug: abort so libFuzzer records it */
  if (out == NULL)
    abort ();
  if (oci_parse_document (d, out, strlen (out), name, &again, &err) < 0)
    abort ();
  if (!oci_struct_equal (d, doc, again, NULL, 0))
    abort ();
  oci_free_object (d, again);
  free (out);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  for (size_t i = 0; i < sizeof (targets) / sizeof (targets[0]); i++)
    {
      void *doc = NULL;
      char *err = NULL;
      if (oci_parse_document (targets[i].desc, (const char *) data, size, targets[i].name, &doc, &err) == 0)
        {
          check_round_trip (targets[i].desc, targets[i].name, doc);
          oci_free_object (targets[i].desc, doc);
        }
      else if (err == NULL)
        abort (); /* every failure must explain itself */
      free (err);
    }
  return 0;
}
