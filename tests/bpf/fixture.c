// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "fixture.h"
#include "frames.h"
#include "harness.h"

void fx_port_init(struct bpfbr_port *p, int net, int n, uint32_t ifindex, uint8_t kind)
{
	memset(p, 0, sizeof(*p));
	p->ifindex = ifindex;
	p->slot = (uint16_t)n;
	p->kind = kind;
	p->mac[0] = 0x02;
	p->mac[1] = 0xbb;
	p->mac[2] = (uint8_t)net;
	p->mac[5] = (uint8_t)(n + 1);
	p->ipv4 = ip4(10, (uint8_t)(39 + net), 0, (uint8_t)(n + 1));
}

void fx_stranger_mac(uint8_t mac[6], uint8_t n)
{
	const uint8_t m[6] = { 0x02, 0xcc, 0, 0, 0, n };

	memcpy(mac, m, 6);
}

bool fx_config(struct fx *fx)
{
	return ASSERT_OK(sw_set_config(&fx->sw, &fx->cfg), "write the config map");
}

bool fx_port_update(struct fx *fx, int i)
{
	return ASSERT_OK(sw_add_port(&fx->sw, &fx->port[i]), "rewrite a port");
}

bool fx_setup(struct fx *fx, int ndevs, int nports, uint32_t flags)
{
	int err;

	memset(fx, 0, sizeof(*fx));
	err = env_setup(&fx->env, ndevs);
	if (err == -EPERM) {
		test_skip("needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) for a network namespace");
		return false;
	}
	if (err == -EOPNOTSUPP) {
		test_skip("the kernel has no veth driver");
		return false;
	}
	if (!ASSERT_OK(err, "network namespace with veth pairs"))
		return false;
	err = sw_load(&fx->sw);
	if (err == -EPERM) {
		test_skip("needs root (CAP_BPF and CAP_NET_ADMIN) to load the program");
		goto env;
	}
	if (!ASSERT_OK(err, "open and load the port program with the trace on"))
		goto env;

	fx->cfg = (struct bpfbr_netcfg){
		.ageing_ns = AGEING_NS,
		.subnet = ip4(10, 40, 0, 0),
		.netmask = ip4(255, 255, 255, 0),
		.gateway = ip4(10, 40, 0, 1),
		.flags = flags,
		.nslots = (uint32_t)nports,
	};
	if (!fx_config(fx))
		goto sw;
	fx->nports = nports;
	for (int i = 0; i < nports; i++) {
		fx_port_init(&fx->port[i], 1, i, fx->env.dev[i].ifindex,
			     i == GW ? BPFBR_PORT_GATEWAY : BPFBR_PORT_CONTAINER);
		if (!ASSERT_OK(sw_add_port(&fx->sw, &fx->port[i]), "add a port"))
			goto sw;
	}
	return true;
sw:
	sw_unload(&fx->sw);
env:
	env_teardown(&fx->env);
	return false;
}

void fx_teardown(struct fx *fx)
{
	sw_unload(&fx->sw);
	env_teardown(&fx->env);
}

bool fx_run(struct fx *fx, int in, const struct frame *f, struct sw_run *r)
{
	env_drain(&fx->env);
	return ASSERT_OK(sw_run(&fx->sw, fx->env.dev[in].ifindex, f, r), "BPF_PROG_TEST_RUN");
}

void fx_node_syn(const struct fx *fx, int c, struct pkt *p, struct frame *f)
{
	*p = (struct pkt){ .saddr = fx->port[GW].ipv4,
			   .daddr = fx->port[c].ipv4,
			   .proto = PROTO_TCP,
			   .ttl = 64,
			   .sport = 22,
			   .dport = 40000,
			   .tcp_flags = TCP_SYN };
	memcpy(p->dst_mac, fx->port[c].mac, 6);
	memcpy(p->src_mac, fx->port[GW].mac, 6);
	pkt_frame(f, p);
}

bool fx_xdp(struct fx *fx)
{
	bool ok = true;

	for (int i = 0; ok && i < fx->nports; i++)
		ok = ASSERT_OK(env_xdp_rxq(&fx->env, i),
			       "attach XDP to a port (registers its receive queue)");
	return ok;
}

bool fx_run_xdp(struct fx *fx, int in, const struct frame *f, struct sw_run *r)
{
	return ASSERT_OK(sw_run_xdp(&fx->sw, fx->env.dev[in].ifindex, f, r),
			 "BPF_PROG_TEST_RUN of the XDP program");
}
