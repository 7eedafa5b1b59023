// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <string.h>

#include "log.h"
#include "port_hairpin.h"
#include "switchdp_hairpin.h"

int port_hairpin_write(struct netctx *c, const struct netstate *state, const struct attachment *a,
		       uint32_t addr)
{
	struct bpfbr_hairpin_target t = { .ifindex = (uint32_t)a->host_ifindex };
	char s[PUBLISH_STR_LEN];
	struct switchdp dp;
	int err;

	if (!a->n_pub)
		return 0;
	err = net_dp_open(c, state->name, &dp);
	if (err) {
		pr_err("cannot open the datapath of network %s to publish the ports of %s to its "
		       "containers: %s; run bpfbr restore %s",
		       state->name, a->host_ifname, strerror(-err), state->name);
		return err;
	}
	for (uint32_t i = 0; !err && i < a->n_pub; i++) {
		const struct publish *p = &a->pub[i];

		for (uint16_t n = 0; !err && n < p->count; n++) {
			struct bpfbr_pub_key k = { .addr = addr,
						   .port = htons((uint16_t)(p->host_port + n)),
						   .proto = p->proto };

			t.port = htons((uint16_t)(p->port + n));
			err = switchdp_hairpin_add(&dp, &k, &t);
			if (err)
				pr_err("cannot publish %s to the containers of network %s: %s",
				       publish_str(p, s), state->name, strerror(-err));
		}
	}
	switchdp_close(&dp);
	return err; /* the caller's undo (the port's removal) takes what was written */
}
