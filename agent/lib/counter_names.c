// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include "bpfbr/stats.h"
#include "counter_names.h"

static const char *const names[BPFBR_COUNTER_MAX] = {
	[BPFBR_DROP_RUNT] = "runt",
	[BPFBR_DROP_TRUNCATED] = "truncated",
	[BPFBR_DROP_NOT_A_PORT] = "not_a_port",
	[BPFBR_DROP_BAD_SRC_MAC] = "bad_src_mac",
	[BPFBR_DROP_LOOP] = "loop",
	[BPFBR_DROP_MAC_OWNED] = "mac_owned",
	[BPFBR_DROP_IP_SPOOF] = "ip_spoof",
	[BPFBR_DROP_ARP_SPOOF] = "arp_spoof",
	[BPFBR_DROP_VLAN] = "vlan",
	[BPFBR_DROP_NO_DEST] = "no_destination",
	[BPFBR_DROP_REDIRECT] = "redirect_failed",
	[BPFBR_DROP_TTL_EXCEEDED] = "ttl_exceeded",
	[BPFBR_DROP_NAT_FULL] = "nat_table_full",
	[BPFBR_DROP_NAT_QUOTA] = "nat_share_used_up",
	[BPFBR_DROP_NAT_NO_PORT] = "nat_no_free_port",
	[BPFBR_DROP_NAT_PROTO] = "nat_unsupported_protocol",
	[BPFBR_DROP_FRAG_UNKNOWN] = "fragment_unknown",
	[BPFBR_DROP_MAC_SPOOF] = "mac_spoof",
	[BPFBR_DROP_OTHER_NETWORK] = "other_network",
	[BPFBR_DROP_NODE_DENIED] = "node_denied",
	[BPFBR_DROP_NODE_IPV6] = "node_ipv6",
	[BPFBR_DROP_TINY_FRAGMENT] = "tiny_fragment",
	[BPFBR_DROP_FOREIGN_SOURCE] = "foreign_source",
	[BPFBR_DROP_NAT_RELEASING] = "nat_flow_releasing",
	[BPFBR_DROP_SOURCE_ROUTE] = "source_route",
	[BPFBR_DROP_IPV6_SPOOF] = "ipv6_spoof",
	[BPFBR_DROP_NDP_SPOOF] = "ndp_spoof",
	[BPFBR_DROP_RA_GUARD] = "ra_guard",
	[BPFBR_DROP_DHCP6_SERVER] = "dhcp6_server",
	[BPFBR_DROP_IPV6_UNROUTED] = "ipv6_unrouted",
	[BPFBR_DROP_PUBLISH_NO_TARGET] = "published_no_target",
	[BPFBR_DROP_IPV6_RH0] = "ipv6_routing_header_0",
	[BPFBR_DROP_NAT6_NO_ADDRESS] = "nat6_no_uplink_address",
	[BPFBR_DROP_TUNNEL_FOREIGN] = "tunnel_foreign_source",
	[BPFBR_DROP_TUNNEL_NO_NODE] = "tunnel_no_node",
	[BPFBR_DROP_TUNNEL_NOT_LOCAL] = "tunnel_not_local",
	[BPFBR_DROP_HAIRPIN_FULL] = "hairpin_full",
	[BPFBR_EV_LEARNED] = "learned",
	[BPFBR_EV_FDB_FULL] = "fdb_full",
	[BPFBR_EV_AGED] = "aged_out",
	[BPFBR_EV_FLOOD] = "flooded",
	[BPFBR_EV_ROUTED] = "routed_to_uplink",
	[BPFBR_EV_NAT_NEW] = "nat_created",
	[BPFBR_EV_NAT_RECLAIMED] = "nat_reclaimed",
	[BPFBR_EV_NAT_HOST_REMAP] = "nat_node_port_changed",
	[BPFBR_EV_NAT_ICMP_ERROR] = "nat_icmp_error_translated",
	[BPFBR_EV_FDB_PORT_FULL] = "fdb_port_full",
	[BPFBR_EV_INBOUND_FULL] = "inbound_full",
	[BPFBR_EV_INBOUND_EXPIRED] = "inbound_expired",
	[BPFBR_EV_MAC_FOLLOWED] = "mac_followed",
	[BPFBR_EV_MAC_REFUSED] = "mac_follow_refused",
	[BPFBR_EV_CLUSTER_IN] = "cluster_delivered",
	[BPFBR_EV_UNREACHABLE] = "unreachable_route",
	[BPFBR_EV_SERVICE] = "to_service_stack",
	[BPFBR_EV_STACK_REPLY] = "reply_via_stack",
	[BPFBR_EV_PUBLISHED] = "published_opened",
	[BPFBR_EV_TUNNELLED] = "tunnelled",
	[BPFBR_EV_INBOUND_KEPT] = "inbound_reply_kept",
	[BPFBR_EV_HAIRPIN] = "hairpin_opened",
	[BPFBR_EV_HAIRPIN_IDLE] = "hairpin_expired",
};

_Static_assert(BPFBR_DROP_MAX == 38 && BPFBR_EVENT_END == BPFBR_EVENT_BASE + 23,
	       "name every counter above");

const char *counter_name(uint32_t index)
{
	return index < BPFBR_COUNTER_MAX ? names[index] : 0;
}

bool counter_is_drop(uint32_t index)
{
	return index > BPFBR_DROP_NONE && index < BPFBR_DROP_MAX;
}

bool counter_is_named(uint32_t index)
{
	return counter_name(index) != 0;
}
