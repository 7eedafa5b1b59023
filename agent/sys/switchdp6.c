// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <bpf/bpf.h>

#include "switchdp6.h"

int switchdp_config6_set(const struct switchdp *dp, const struct bpfbr_netcfg6 *cfg)
{
	uint32_t zero = 0;

	if (dp->config6 < 0)
		return -EOPNOTSUPP;
	return bpf_map_update_elem(dp->config6, &zero, cfg, BPF_ANY) ? -errno : 0;
}

int switchdp_port6_set(const struct switchdp *dp, uint32_t ifindex, const struct bpfbr_port6 *p)
{
	if (dp->ports6 < 0)
		return -EOPNOTSUPP;
	return bpf_map_update_elem(dp->ports6, &ifindex, p, BPF_ANY) ? -errno : 0;
}
