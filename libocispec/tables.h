/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The field tables describing each struct of ocispec.h.
 * To support a new property: add the member (and its has_/_len companion)
 * to the struct in ocispec.h and one line to its table; parsing,
 * generating, freeing, comparing and the round-trip tests follow. */
#ifndef OCISPEC_TABLES_H
#define OCISPEC_TABLES_H

#include "json_engine.h"

/* tables_config.c */
extern const oci_desc oci_config_desc;
extern const oci_desc oci_process_desc;
extern const oci_desc oci_id_mapping_desc;

/* tables_linux.c */
extern const oci_desc oci_linux_desc;

/* tables_resources.c */
extern const oci_desc oci_resources_desc;

/* tables_state.c */
extern const oci_desc oci_state_desc;
extern const oci_desc oci_container_process_state_desc;
extern const oci_desc oci_features_desc;
extern const oci_desc casing_state_desc;

/* json_patterns.c: the schema's "pattern" constraints */
extern const oci_pattern oci_pattern_rlimit_type;
extern const oci_pattern oci_pattern_cpu_affinity;
extern const oci_pattern oci_pattern_device_type;
extern const oci_pattern oci_pattern_hugepage_size;
extern const oci_pattern oci_pattern_mem_bw_schema;
extern const oci_pattern oci_pattern_capability;

/* The enumerations are the spec's vocabularies of ocispec_names.h. */

#endif
