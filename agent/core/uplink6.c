// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "log.h"
#include "network6.h"
#include "netlink6.h"
#include "parse6.h"
#include "state.h"
#include "uplink6.h"
#include "uplinkdp6.h"

int uplink6_join(struct netctx *c, const struct netstate *state, const struct uplinkdp *u,
		 int ifindex)
{
	uint8_t addr[16];
	int err;

	if (!state->masquerade || !state->subnet6.prefix)
		return 0;
	err = nl_addr6_first_global(&c->nl, ifindex, addr);
	if (err == -EADDRNOTAVAIL) {
		pr_err("uplink %s has no global IPv6 address, which IPv6 masquerade (NAT66) of "
		       "network %s translates to; add one (ip -6 addr add ADDR/PREFIX dev %s) or "
		       "give the network no IPv6 subnet",
		       state->uplink, state->name, state->uplink);
		return err;
	}
	if (!err)
		err = uplinkdp_config6_set(u, addr);
	if (err == -EOPNOTSUPP)
		pr_err("the masquerade datapath of uplink %s predates IPv6; run bpfbr upgrade",
		       state->uplink);
	else if (err)
		pr_err("cannot write the IPv6 address of uplink %s into its datapath: %s",
		       state->uplink, strerror(-err));
	return err;
}

int uplink6_endpoint_add(const struct uplinkdp *u, const struct netstate *state,
			 const struct attachment *a, const struct bpfbr_endpoint *ep)
{
	char ip[IP6_STR_LEN];
	int err;

	if (ip6_is_zero(a->ip6))
		return 0;
	err = uplinkdp_endpoint6_set(u, a->ip6, ep);
	if (err)
		pr_err("cannot register %s (%s) with the IPv6 masquerade of uplink %s: %s",
		       a->host_ifname, ip6_str(a->ip6, ip), state->uplink, strerror(-err));
	return err;
}

int uplink6_endpoint_del(const struct uplinkdp *u, const struct netstate *state,
			 const struct attachment *a)
{
	int err;

	if (ip6_is_zero(a->ip6))
		return 0;
	err = uplinkdp_endpoint6_del(u, a->ip6);
	if (err)
		pr_warn("cannot remove the IPv6 translations of %s from uplink %s: %s",
			a->host_ifname, state->uplink, strerror(-err));
	return err;
}

struct rejoin {
	struct netctx *c;
	const char *ifname;
	const struct uplinkdp *u;
	int ifindex;
};

/* A network of an older build masquerading through r's uplink, dual stack. */
static int rejoin_net(struct netstate *state, void *arg)
{
	struct rejoin *r = arg;
	struct bpfbr_endpoint ep;
	int err;

	if (!state->masquerade || !state->subnet6.prefix || strcmp(state->uplink, r->ifname))
		return 0;
	err = uplink6_join(r->c, state, r->u, r->ifindex);
	for (uint32_t i = 0; i < state->n_att && !err; i++) {
		const struct attachment *a = &state->att[i];

		if (ip6_is_zero(a->ip6) || !uplinkdp_endpoint6_get(r->u, a->ip6, &ep))
			continue; /* none, or registered already (its flows counted) */
		ep = (struct bpfbr_endpoint){ .ifindex = (uint32_t)a->host_ifindex,
					      .max_flows = state->nat_share,
					      .net = (uint16_t)state->index };
		memcpy(ep.mac, a->mac, 6);
		memcpy(ep.gw_mac, state->gw_mac, 6);
		err = uplink6_endpoint_add(r->u, state, a, &ep);
	}
	return err ?: net6_forwarding(state);
}

int uplink6_rejoin(struct netctx *c, const char *ifname, const struct uplinkdp *u)
{
	struct rejoin r = { c, ifname, u, nl_link_index(&c->nl, ifname) };

	if (r.ifindex <= 0)
		return 0; /* the uplink is gone: restore makes it all again */
	return state_foreach(&c->p, rejoin_net, &r);
}
