// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "counter_names.h"
#include "monitor_render.h"
#include "netns.h"
#include "parse.h"

static const char *hook_name(uint8_t hook)
{
	switch (hook) {
	case BPFBR_MON_HOOK_PORT_TC:
		return "tc";
	case BPFBR_MON_HOOK_PORT_XDP:
		return "xdp";
	case BPFBR_MON_HOOK_UPLINK_OUT:
		return "uplink_egress";
	case BPFBR_MON_HOOK_UPLINK_IN:
		return "uplink_ingress";
	}
	return "unknown";
}

static const char *type_name(uint8_t type)
{
	return type == BPFBR_MON_TRACE ? "trace" : type == BPFBR_MON_NAT ? "nat" : "drop";
}

static const char *verdict_name(uint8_t verdict)
{
	switch (verdict) {
	case BPFBR_MON_COPY_DROPPED:
		return "copy_dropped";
	case BPFBR_MON_FORWARDED:
		return "forwarded";
	case BPFBR_MON_FLOODED:
		return "flooded";
	case BPFBR_MON_ROUTED:
		return "routed";
	case BPFBR_MON_TO_NODE:
		return "to_node";
	case BPFBR_MON_NAT_NEW:
		return "created";
	}
	return "dropped";
}

/* Where a trace event's packet went: out_port (and out_container). */
static void set_out_port(json_t *o, const struct bpfbr_mon_event *ev, const struct netstate *ns)
{
	const struct attachment *a;

	if (!ev->out_ifindex || !ns)
		return;
	if (ev->verdict == BPFBR_MON_ROUTED) {
		json_object_set_new(o, "out_port", json_string(ns->uplink));
	} else if ((uint32_t)ns->gw_port_ifindex == ev->out_ifindex) {
		json_object_set_new(o, "out_port", json_string(ns->gw_port));
	} else if ((a = monitor_event_att(ns, ev->out_ifindex))) {
		json_object_set_new(o, "out_port", json_string(a->host_ifname));
		json_object_set_new(o, "out_container",
				    json_string(netns_name_of(a->netns) ?: a->netns));
	}
	json_object_set_new(o, "out_ifindex", json_integer(ev->out_ifindex));
}

const struct attachment *monitor_event_att(const struct netstate *ns, uint32_t ifindex)
{
	for (uint32_t i = 0; ns && i < ns->n_att; i++)
		if ((uint32_t)ns->att[i].host_ifindex == ifindex)
			return &ns->att[i];
	return NULL;
}

static void set_port(json_t *o, const struct bpfbr_mon_event *ev, const struct netstate *ns,
		     const char *uplink)
{
	const struct attachment *a;

	if (uplink) {
		json_object_set_new(o, "port", json_string(uplink));
		json_object_set_new(o, "port_kind", json_string("uplink"));
		return;
	}
	if (ns && (uint32_t)ns->gw_port_ifindex == ev->ifindex) {
		json_object_set_new(o, "port", json_string(ns->gw_port));
		json_object_set_new(o, "port_kind", json_string("gateway"));
		return;
	}
	a = monitor_event_att(ns, ev->ifindex);
	if (!a)
		return; /* a device that is not (or no longer) a port */
	json_object_set_new(o, "port", json_string(a->host_ifname));
	json_object_set_new(o, "port_kind", json_string("container"));
	json_object_set_new(o, "container", json_string(netns_name_of(a->netns) ?: a->netns));
	if (a->cni)
		json_object_set_new(o, "container_id", json_string(a->id));
}

json_t *monitor_event_json(const struct bpfbr_mon_event *ev, uint64_t real_ns,
			   const struct netstate *ns, const char *uplink, const struct mon_pkt *p)
{
	time_t sec = (time_t)(real_ns / 1000000000ull);
	char when[64], reason[32];
	const char *rname;
	struct tm tm;
	json_t *o;

	gmtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%06lluZ",
		 (unsigned long long)(real_ns % 1000000000ull / 1000));
	rname = counter_is_drop(ev->reason) ? counter_name(ev->reason) : NULL;
	if (ev->type != BPFBR_MON_DROP) {
		rname = verdict_name(ev->verdict);
	} else if (!rname) {
		snprintf(reason, sizeof(reason), "reason_%u", ev->reason);
		rname = reason;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "time", when, "type",
		      type_name(ev->type), "reason", rname, "verdict", verdict_name(ev->verdict),
		      "hook", hook_name(ev->hook), "ifindex", (json_int_t)ev->ifindex, "len",
		      (json_int_t)ev->pkt_len, "captured", (json_int_t)ev->cap_len);
	if (!o)
		return NULL;
	json_object_set_new(o, "network", ns ? json_string(ns->name) : json_null());
	set_port(o, ev, ns, uplink);
	set_out_port(o, ev, ns);
	if (ev->type == BPFBR_MON_NAT) {
		char addr[IP_STR_LEN];

		json_object_set_new(o, "nat_addr", json_string(ip_str(ev->nat_addr, addr)));
		json_object_set_new(o, "nat_port", json_integer(ntohs(ev->nat_port)));
	}
	mon_pkt_json(p, o);
	return o;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "dropped ip_spoof", "flood copy dropped node_ipv6", "forwarded to vethX (c2)", … */
static void what_text(json_t *o, char *buf, size_t size)
{
	const char *v = str(o, "verdict"), *out = str(o, "out_port"), *oc = str(o, "out_container");

	if (!strcmp(v, "dropped") || !strcmp(v, "copy_dropped"))
		snprintf(buf, size, "%s %s",
			 !strcmp(v, "dropped") ? "dropped" : "flood copy dropped",
			 str(o, "reason"));
	else if (!strcmp(v, "created"))
		snprintf(buf, size, "translation created, leaves as %s:%lld", str(o, "nat_addr"),
			 (long long)json_integer_value(json_object_get(o, "nat_port")));
	else if (!strcmp(v, "flooded"))
		snprintf(buf, size, "flooded");
	else if (!strcmp(v, "to_node"))
		snprintf(buf, size, "to the node via %s", out ?: "the gateway port");
	else
		snprintf(buf, size, "%s to %s%s%s%s", v, out ?: "?", oc ? " (" : "", oc ?: "",
			 oc ? ")" : "");
}

void monitor_event_text(json_t *o, const struct mon_pkt *p, char *buf, size_t size)
{
	const char *when = str(o, "time"), *port = str(o, "port"), *ctr = str(o, "container");
	char pkt[256], where[128], what[128];

	if (port && ctr)
		snprintf(where, sizeof(where), "%s (%s)", port, ctr);
	else if (port)
		snprintf(where, sizeof(where), "%s (%s)", port, str(o, "port_kind"));
	else
		snprintf(where, sizeof(where), "ifindex %lld",
			 (long long)json_integer_value(json_object_get(o, "ifindex")));
	mon_pkt_text(p, pkt, sizeof(pkt));
	what_text(o, what, sizeof(what));
	snprintf(buf, size, "%s %s %s %s [%s]: %s, len %lld", when ? when + 11 : "?",
		 str(o, "network") ?: "-", where, what, str(o, "hook"), pkt,
		 (long long)json_integer_value(json_object_get(o, "len")));
}
