// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The bpffs layout is an ABI between builds: `bpfbr upgrade` reopens the pins
 * an older build made. Each path, byte for byte, as every build since the
 * first has made it.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "pin_layout.h"

static bool at(struct paths *p, const char *root)
{
	return ASSERT_OK(paths_init(p, root), "paths");
}

TEST(network_pins)
{
	char buf[PATH_MAX];
	struct paths p;

	if (!at(&p, "/tmp/r"))
		return;
	ASSERT_OK(pin_subnets(&p, buf, sizeof(buf)), "subnets");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/subnets", "subnets");
	ASSERT_OK(pin_net_dir(&p, "demo", buf, sizeof(buf)), "net dir");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/demo", "net dir");
	ASSERT_OK(pin_net_links_dir(&p, "demo", buf, sizeof(buf)), "links dir");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/demo/links", "links dir");
	ASSERT_OK(pin_port_link(&p, "demo", "bb0a1b2c3d", buf, sizeof(buf)), "port link");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/demo/links/bb0a1b2c3d", "port link");
	ASSERT_OK(pin_port_xdp(&p, "demo", "bb0a1b2c3d", buf, sizeof(buf)), "port xdp");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/demo/links/bb0a1b2c3d_xdp", "port xdp");
	ASSERT_OK(pin_port_xdp(&p, "n.1", "abcdefghijklmno", buf, sizeof(buf)), "longest ifname");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/n.1/links/abcdefghijklmno_xdp",
		     "longest ifname");
	ASSERT_STREQ(PIN_SUBNETS_FROM_NET, "../subnets", "subnets from a network's directory");
}

TEST(uplink_pins)
{
	char buf[PATH_MAX];
	struct paths p;

	if (!at(&p, "/tmp/r/"))
		return;
	ASSERT_OK(pin_uplinks_dir(&p, buf, sizeof(buf)), "uplinks");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks", "uplinks");
	ASSERT_OK(pin_uplink_dir(&p, "eth0", buf, sizeof(buf)), "uplink dir");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0", "uplink dir");
	ASSERT_OK(pin_uplink_links_dir(&p, "eth0", buf, sizeof(buf)), "uplink links");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0/links", "uplink links");
	ASSERT_OK(pin_uplink_link(&p, "eth0", UPLINK_LINK_EGRESS, buf, sizeof(buf)), "egress");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0/links/egress", "egress");
	ASSERT_OK(pin_uplink_link(&p, "eth0", UPLINK_LINK_INGRESS, buf, sizeof(buf)), "ingress");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0/links/ingress", "ingress");
	ASSERT_OK(pin_uplink_link(&p, "eth0", UPLINK_LINK_XDP, buf, sizeof(buf)), "xdp");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0/links/xdp", "xdp");
	ASSERT_OK(pin_uplink_link(&p, "eth0", UPLINK_LINK_TUNNEL_IN, buf, sizeof(buf)), "tun in");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0/links/tunnel_in", "tunnel in");
	ASSERT_OK(pin_uplink_link(&p, "eth0", UPLINK_LINK_TUNNEL_OUT, buf, sizeof(buf)), "tun out");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/uplinks/eth0/links/tunnel_out", "tunnel out");
	ASSERT_EQ(pin_uplink_link(&p, "eth0", (enum uplink_link)5, buf, sizeof(buf)), -EINVAL,
		  "no sixth uplink link");
}

TEST(root_is_slash)
{
	char buf[PATH_MAX];
	struct paths p;

	if (!at(&p, "/"))
		return;
	ASSERT_OK(pin_port_xdp(&p, "demo", "veth1", buf, sizeof(buf)), "port xdp");
	ASSERT_STREQ(buf, "/sys/fs/bpf/bpfbr/demo/links/veth1_xdp", "port xdp");
	ASSERT_OK(pin_uplink_link(&p, "eth0", UPLINK_LINK_XDP, buf, sizeof(buf)), "uplink xdp");
	ASSERT_STREQ(buf, "/sys/fs/bpf/bpfbr/uplinks/eth0/links/xdp", "uplink xdp");
	ASSERT_OK(pin_subnets(&p, buf, sizeof(buf)), "subnets");
	ASSERT_STREQ(buf, "/sys/fs/bpf/bpfbr/subnets", "subnets");
	ASSERT_OK(pin_tunnel_nodes(&p, buf, sizeof(buf)), "tunnel nodes");
	ASSERT_STREQ(buf, "/sys/fs/bpf/bpfbr/tunnel_nodes", "tunnel nodes");
	ASSERT_OK(pin_node_stats(&p, buf, sizeof(buf)), "node stats");
	ASSERT_STREQ(buf, "/sys/fs/bpf/bpfbr/cluster_node_stats", "node stats");
}

TEST(staged_pins)
{
	char buf[PATH_MAX];

	ASSERT_OK(pin_staged("/tmp/r/sys/fs/bpf/bpfbr/demo/prog_port_in", buf, sizeof(buf)),
		  "staged program");
	ASSERT_STREQ(buf, "/tmp/r/sys/fs/bpf/bpfbr/demo/prog_port_in_next", "staged program");
	ASSERT_EQ(pin_staged("/a/b", buf, 9), -ENAMETOOLONG, "a staged pin that does not fit");
}

TEST(link_names_name_their_port)
{
	char ifname[64];

	ASSERT_OK(pin_link_port("veth1", ifname, sizeof(ifname)), "tc link");
	ASSERT_STREQ(ifname, "veth1", "tc link");
	ASSERT_OK(pin_link_port("veth1_xdp", ifname, sizeof(ifname)), "xdp link");
	ASSERT_STREQ(ifname, "veth1", "xdp link");
	ASSERT_OK(pin_link_port("a_xdpb", ifname, sizeof(ifname)), "_xdp inside the name");
	ASSERT_STREQ(ifname, "a_xdpb", "_xdp inside the name");
	ASSERT_OK(pin_link_port("a_xdp_xdp", ifname, sizeof(ifname)), "xdp link of a_xdp");
	ASSERT_STREQ(ifname, "a_xdp", "xdp link of a_xdp");
	ASSERT_TRUE(pin_is_net_dir("demo"), "a network");
	ASSERT_FALSE(pin_is_net_dir("uplinks"), "uplinks");
	ASSERT_FALSE(pin_is_net_dir("subnets"), "subnets");
	ASSERT_FALSE(pin_is_net_dir("tunnel_nodes"), "tunnel_nodes");
	ASSERT_FALSE(pin_is_net_dir("cluster_node_stats"), "cluster_node_stats");
	ASSERT_FALSE(pin_is_net_dir(".."), "dot entries");
}

TEST(hook_mode_follows_the_pin)
{
	ASSERT_EQ(pin_hook_mode("/nonexistent/bpfbr-unit/egress"), ATTACH_TC,
		  "no pinned link: a legacy tc filter");
	ASSERT_EQ(pin_hook_mode("/"), ATTACH_TCX, "a pinned link: TCX");
	ASSERT_FALSE(pin_present("/nonexistent/bpfbr-unit/xdp"), "absent pin");
}
