// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "log.h"
#include "netns_mark.h"
#include "state.h"

static bool same_netns(const struct attachment *x, const struct attachment *y)
{
	return (x->netns_id && x->netns_id == y->netns_id) || !strcmp(x->netns, y->netns);
}

/* Marks the first attachment of state that holds gone's namespace; true if one does. */
static bool mark_holder(struct netstate *state, const struct attachment *gone)
{
	for (uint32_t i = 0; i < state->n_att; i++)
		if (same_netns(&state->att[i], gone)) {
			state->att[i].created_netns = true;
			return true;
		}
	return false;
}

struct mark_pass {
	const struct paths *p;
	const struct netstate *state;
	const struct attachment *gone;
	bool held;
};

/* Another network's attachment in gone's namespace takes the mark (1: done). */
static int mark_other(struct netstate *other, void *arg)
{
	struct mark_pass *m = arg;

	if (!strcmp(other->name, m->state->name) || !mark_holder(other, m->gone))
		return 0;
	m->held = true;
	return state_save(m->p, other) ?: 1;
}

int netns_mark_pass(struct netctx *c, struct netstate *state, const struct attachment *gone,
		    bool *held)
{
	struct mark_pass m = { .p = &c->p, .state = state, .gone = gone };
	int err;

	*held = mark_holder(state, gone);
	if (*held)
		return 0;
	err = state_foreach(&c->p, mark_other, &m);
	*held = m.held;
	if (err > 0)
		return 0;
	if (err && m.held)
		pr_err("cannot pass on the ownership of namespace %s: %s", gone->netns,
		       strerror(-err));
	return err;
}
