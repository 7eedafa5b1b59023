// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A restore under a journal record (core layer): killed part-way, the next
 * command that takes the lock finishes it (recover.c). */
#include "journal.h"
#include "net_restore.h"

struct restore_call {
	struct netctx *c;
	const char *name;
	json_t *done;
};

static int restore_change(struct journal *j, void *arg)
{
	struct restore_call *r = arg;

	(void)j;
	return net_restore(r->c, r->name, r->done);
}

int net_restore_recorded(struct netctx *c, const char *name, json_t *done)
{
	return journal_run(&c->p, JOURNAL_OP_RESTORE, name, restore_change,
			   &(struct restore_call){ .c = c, .name = name, .done = done });
}
