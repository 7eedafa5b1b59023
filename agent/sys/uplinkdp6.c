// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <bpf/bpf.h>

#include "uplinkdp6.h"

int uplinkdp_config6_set(const struct uplinkdp *u, const uint8_t addr[16])
{
	struct bpfbr_uplink_cfg6 cfg;
	uint32_t zero = 0;

	if (u->config6 < 0)
		return -EOPNOTSUPP;
	for (int i = 0; i < 16; i++)
		cfg.addr[i] = addr[i];
	return bpf_map_update_elem(u->config6, &zero, &cfg, BPF_ANY) ? -errno : 0;
}

int uplinkdp_config6_get(const struct uplinkdp *u, uint8_t addr[16])
{
	struct bpfbr_uplink_cfg6 cfg;
	uint32_t zero = 0;

	if (u->config6 < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(u->config6, &zero, &cfg))
		return -errno;
	for (int i = 0; i < 16; i++)
		addr[i] = cfg.addr[i];
	return 0;
}

int uplinkdp_endpoint6_set(const struct uplinkdp *u, const uint8_t addr[16],
			   const struct bpfbr_endpoint *ep)
{
	if (u->endpoints6 < 0)
		return -EOPNOTSUPP;
	if (bpf_map_update_elem(u->devmap, &ep->ifindex, &ep->ifindex, BPF_ANY))
		return -errno;
	return bpf_map_update_elem(u->endpoints6, addr, ep, BPF_ANY) ? -errno : 0;
}

int uplinkdp_endpoint6_get(const struct uplinkdp *u, const uint8_t addr[16],
			   struct bpfbr_endpoint *ep)
{
	if (u->endpoints6 < 0)
		return -ENOENT;
	return bpf_map_lookup_elem(u->endpoints6, addr, ep) ? -errno : 0;
}

int uplinkdp_endpoint6_del(const struct uplinkdp *u, const uint8_t addr[16])
{
	struct bpfbr_endpoint ep;
	uint32_t reclaimed;
	int err;

	if (u->endpoints6 < 0)
		return 0;
	if (bpf_map_lookup_elem(u->endpoints6, addr, &ep))
		return errno == ENOENT ? 0 : -errno;
	/* As uplinkdp_endpoint_del(): no new flows, then the existing ones go.
	 * The devmap entry is the IPv4 endpoint's too: it goes with that one. */
	ep.max_flows = 0;
	err = bpf_map_update_elem(u->endpoints6, addr, &ep, BPF_EXIST) ? -errno : 0;
	if (!err)
		err = uplinkdp_sweep(u, BPFBR_SWEEP_PORT, ep.ifindex, &reclaimed);
	if (!err && bpf_map_delete_elem(u->endpoints6, addr) && errno != ENOENT)
		err = -errno;
	return err;
}

int uplinkdp_flow6_get(const struct uplinkdp *u, uint32_t slot, struct bpfbr_flow6 *a)
{
	if (u->flows6 < 0)
		return -ENOENT;
	return bpf_map_lookup_elem(u->flows6, &slot, a) ? -errno : 0;
}
