/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The change journal: before a command changes anything it records what it
 * is doing (STATE/journal), and it removes the record when it has finished
 * or rolled back. A record found by the next command means the last one was
 * interrupted (killed, crashed, machine lost power): that command reconciles
 * the kernel and the pins with the state before it does anything else.
 */
#ifndef BPFBR_JOURNAL_H
#define BPFBR_JOURNAL_H

#include <stdbool.h>

#include "paths.h"

#define JOURNAL_NET_ALL	      "*"
#define JOURNAL_OP_NET_DELETE "net-delete"

/*
 * Records the change unless a record exists already (an enclosing change of
 * this command, or an interrupted one that reconciling will handle): *owner
 * says whether this call wrote it; only the owner ends it.
 */
int journal_begin(const struct paths *p, const char *op, const char *net, bool *owner);
void journal_end(const struct paths *p, bool owner);
/* true, the operation and the network concerned (or JOURNAL_NET_ALL) when a
 * change was interrupted. */
bool journal_pending(const struct paths *p, char op[32], char *net, size_t size);

#endif
