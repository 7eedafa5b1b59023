/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Long user input shortened for a message (lib layer). */
#ifndef BPFBR_ELIDE_H
#define BPFBR_ELIDE_H

#include <stddef.h>

/* Enough for an elided value and its length. */
#define ELIDE_LEN 96

/* v as it is when short, else its first bytes, "…" and how long it was
 * ("10.0.0.1,10.0.0.2,…(2999 bytes)"); written to buf. */
const char *elide(const char *v, char *buf, size_t size);

#endif
