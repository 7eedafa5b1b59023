// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "bpfbr/limits.h"
#include "bpfbr/nat.h"
#include "gwallow.h"
#include "jsonutil.h"
#include "log.h"
#include "state.h"
#include "state6.h"
#include "state_publish.h"

#define STATE_VERSION 1

int state_lock(const struct paths *p)
{
	char path[PATH_MAX];
	int fd, err;

	err = mkdir_p(p->run, 0700);
	if (!err)
		err = path_join(path, sizeof(path), p->run, "lock");
	if (err) {
		pr_err("cannot create %s: %s", p->run, strerror(-err));
		return err;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		pr_err("cannot open lock file %s: %s", path, strerror(-err));
		return err;
	}
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err = -errno;
		close(fd);
		pr_err("cannot lock %s: %s", path, strerror(-err));
		return err;
	}
	return fd;
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

static int net_dir(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->state, "networks");
}

static int net_file(const struct paths *p, const char *name, char *buf, size_t size)
{
	char dir[PATH_MAX], file[NETNAME_MAX + 8];
	int err = net_dir(p, dir, sizeof(dir));

	if (err)
		return err;
	snprintf(file, sizeof(file), "%s.json", name);
	return path_join(buf, size, dir, file);
}

static json_t *att_to_json(const struct attachment *a)
{
	char mac[MAC_STR_LEN], ip[IP_STR_LEN];

	return att_publish_to_json(
		a, att6_to_json(
			   a, json_pack("{s:s, s:s, s:s, s:I, s:s, s:i, s:s, s:s?, s:i, s:b, s:b}",
					"id", a->id, "ifname", a->ifname, "netns", a->netns,
					"netns_id", (json_int_t)a->netns_id, "host_ifname",
					a->host_ifname, "host_ifindex", a->host_ifindex, "mac",
					mac_str(a->mac, mac), "ip",
					a->ip ? ip_str(a->ip, ip) : NULL, "slot", a->slot,
					"created_netns", a->created_netns, "cni", a->cni)));
}

static json_t *strings_to_json(const void *v, size_t stride, uint32_t n)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string((const char *)v + i * stride))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *dns_to_json(const struct net_dns *d)
{
	return json_pack("{s:o, s:s, s:o, s:o}", "nameservers",
			 strings_to_json(d->servers, sizeof(d->servers[0]), d->n_servers), "domain",
			 d->domain, "search",
			 strings_to_json(d->search, sizeof(d->search[0]), d->n_search), "options",
			 strings_to_json(d->options, sizeof(d->options[0]), d->n_options));
}

static json_t *nat_ports(const struct netstate *state)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u-%u", state->nat_port_lo, state->nat_port_hi);
	return json_string(buf);
}

static json_t *net_to_json(const struct netstate *state)
{
	char subnet[IP_STR_LEN + 4], gw[IP_STR_LEN], mac[MAC_STR_LEN];
	json_t *root, *atts = json_array();

	if (!atts)
		return NULL;
	for (uint32_t i = 0; i < state->n_att; i++) {
		const struct attachment *a = &state->att[i];
		json_t *o = att_to_json(a);

		/* A port of the other kind than the network's says so. */
		if (o && a->device != DEVICE_AUTO && a->device != state->device &&
		    json_object_set_new(o, "device", json_string(port_device_name(a->device)))) {
			json_decref(o);
			o = NULL;
		}
		if (json_array_append_new(atts, o)) {
			json_decref(atts);
			return NULL;
		}
	}
	snprintf(subnet, sizeof(subnet), "%s/%u", ip_str(state->subnet.addr, gw),
		 state->subnet.prefix);
	/* An IPv6-only network: null subnet and gateway (subnet6 says the rest). */
	root = json_pack("{s:i, s:s, s:i, s:s?, s:s?, s:i, s:i, s:b, s:b, s:s, s:i, s:s, s:i, s:s,"
			 " s:s, s:I, s:s, s:b, s:i, s:s, s:o}",
			 "version", STATE_VERSION, "name", state->name, "index", state->index,
			 "subnet", netstate_has_ipv4(state) ? subnet : NULL, "gateway",
			 netstate_has_ipv4(state) ? ip_str(state->gateway, gw) : NULL, "mtu",
			 state->mtu, "ageing_s", state->ageing_s, "spoofchk", state->spoofchk,
			 "hairpin", state->hairpin, "gateway_dev", state->gw_dev,
			 "gateway_dev_ifindex", state->gw_dev_ifindex, "gateway_port",
			 state->gw_port, "gateway_port_ifindex", state->gw_port_ifindex,
			 "gateway_mac", mac_str(state->gw_mac, mac), "attach_mode",
			 attach_mode_name(state->mode), "node_netns_id",
			 (json_int_t)state->node_netns_id, "uplink", state->uplink, "masquerade",
			 state->masquerade, "nat_share", state->nat_share, "datapath",
			 datapath_mode_name(state->datapath), "attachments", atts);
	if (root &&
	    (json_object_set_new(root, "range_start",
				 json_string(ip_str(state->range_start, gw))) ||
	     json_object_set_new(root, "range_end", json_string(ip_str(state->range_end, gw))) ||
	     json_object_set_new(root, "last_ip", json_string(ip_str(state->last_ip, gw))) ||
	     json_object_set_new(root, "dns", dns_to_json(&state->dns)) ||
	     json_object_set_new(root, "gateway_allow", json_string(state->gateway_allow)) ||
	     /* A state never resolved (DEVICE_AUTO) is veth's, as older files are. */
	     json_object_set_new(
		     root, "device",
		     json_string(port_device_name(state->device == DEVICE_NETKIT ? DEVICE_NETKIT
										 : DEVICE_VETH))) ||
	     json_object_set_new(root, "node_netns_cookie",
				 json_integer((json_int_t)state->node_netns_cookie)) ||
	     (state->uplink_fwd_before >= 0 &&
	      json_object_set_new(root, "uplink_forwarding_before",
				  json_integer(state->uplink_fwd_before))) ||
	     (state->nat_max &&
	      json_object_set_new(root, "nat_max", json_integer(state->nat_max))) ||
	     (state->nat_max && json_object_set_new(root, "nat_ports", nat_ports(state))) ||
	     net6_to_json(state, root) || net_publish_to_json(state, root))) {
		json_decref(root);
		return NULL;
	}
	return root;
}

int state_save(const struct paths *p, const struct netstate *state)
{
	char path[PATH_MAX];
	json_t *v;
	int err;

	err = net_dir(p, path, sizeof(path));
	if (!err)
		err = mkdir_p(path, 0700);
	if (!err)
		err = net_file(p, state->name, path, sizeof(path));
	if (err)
		goto fail;
	v = net_to_json(state);
	if (!v) {
		err = -ENOMEM;
		goto fail;
	}
	err = json_write_file_atomic(v, path);
	json_decref(v);
	if (!err)
		return 0;
fail:
	pr_err("cannot write state of network %s under %s: %s", state->name, p->state,
	       strerror(-err));
	return err;
}

/* Field readers that stop at the first problem; all fields are required. */
struct reader {
	char err[JERR_LEN];
	int ret;
};

static void r_str(struct reader *r, json_t *o, const char *key, char *buf, size_t size)
{
	if (r->ret)
		return;
	r->ret = jget_str(o, key, buf, size, r->err);
	if (r->ret == -ENOENT)
		snprintf(r->err, JERR_LEN, "missing \"%s\"", key);
}

static void r_u32(struct reader *r, json_t *o, const char *key, uint32_t max, uint32_t *out)
{
	if (r->ret)
		return;
	r->ret = jget_u32(o, key, max, out, r->err);
	if (r->ret == -ENOENT)
		snprintf(r->err, JERR_LEN, "missing \"%s\"", key);
}

static void r_int(struct reader *r, json_t *o, const char *key, int *out)
{
	uint32_t v;

	r_u32(r, o, key, INT32_MAX, &v);
	if (!r->ret)
		*out = (int)v;
}

static void r_u64(struct reader *r, json_t *o, const char *key, uint64_t *out)
{
	if (r->ret)
		return;
	r->ret = jget_u64(o, key, out, r->err);
	if (r->ret == -ENOENT)
		snprintf(r->err, JERR_LEN, "missing \"%s\"", key);
}

static void r_bool(struct reader *r, json_t *o, const char *key, bool *out)
{
	if (r->ret)
		return;
	r->ret = jget_bool(o, key, out, r->err);
	if (r->ret == -ENOENT)
		snprintf(r->err, JERR_LEN, "missing \"%s\"", key);
}

static void r_fail(struct reader *r, const char *fmt, const char *what)
{
	if (r->ret)
		return;
	snprintf(r->err, JERR_LEN, fmt, what);
	r->ret = -EINVAL;
}

static void r_ip(struct reader *r, json_t *o, const char *key, uint32_t *out)
{
	char buf[IP_STR_LEN];

	r_str(r, o, key, buf, sizeof(buf));
	if (!r->ret && parse_ipv4(buf, out))
		r_fail(r, "\"%s\" is not an IPv4 address", key);
}

static void r_mac(struct reader *r, json_t *o, const char *key, uint8_t mac[6])
{
	char buf[MAC_STR_LEN];

	r_str(r, o, key, buf, sizeof(buf));
	if (!r->ret && parse_mac(buf, mac))
		r_fail(r, "\"%s\" is not a MAC address", key);
}

static void r_ifname(struct reader *r, json_t *o, const char *key, char buf[IF_NAMESIZE])
{
	r_str(r, o, key, buf, IF_NAMESIZE);
	if (!r->ret && !valid_ifname(buf))
		r_fail(r, "\"%s\" is not a valid interface name", key);
}

/* An IPv4 value of a network that may have no IPv4 (IPv6-only): null means none. */
static void r_ip_or_null(struct reader *r, json_t *o, const char *key, uint32_t *out)
{
	if (!r->ret && json_is_null(json_object_get(o, key)))
		*out = 0;
	else
		r_ip(r, o, key, out);
}

/* Keys added after the first files were written: absent means unset. */
static void r_opt_ip(struct reader *r, json_t *o, const char *key, uint32_t *out)
{
	if (!r->ret && json_object_get(o, key))
		r_ip(r, o, key, out);
}

static void r_strings(struct reader *r, json_t *o, const char *key, void *v, size_t stride,
		      uint32_t max, uint32_t *n)
{
	json_t *a = json_object_get(o, key), *e;
	size_t i;

	if (r->ret)
		return;
	if (!json_is_array(a) || json_array_size(a) > max) {
		snprintf(r->err, JERR_LEN, "\"%s\" must be an array of at most %u strings", key,
			 max);
		r->ret = -EINVAL;
		return;
	}
	json_array_foreach (a, i, e) {
		if (!json_is_string(e) || json_string_length(e) >= stride ||
		    strlen(json_string_value(e)) != json_string_length(e)) {
			snprintf(r->err, JERR_LEN,
				 "\"%s\" holds a non-string or one over %zu bytes", key,
				 stride - 1);
			r->ret = -EINVAL;
			return;
		}
		memcpy((char *)v + i * stride, json_string_value(e), json_string_length(e) + 1);
	}
	*n = (uint32_t)json_array_size(a);
}

static const char *const dns_keys[] = { "nameservers", "domain", "search", "options", NULL };

static void read_dns(struct reader *r, json_t *o, struct net_dns *d)
{
	if (r->ret || !o)
		return;
	r->ret = jcheck_keys(o, dns_keys, r->err);
	r_strings(r, o, "nameservers", d->servers, sizeof(d->servers[0]), DNS_MAX_SERVERS,
		  &d->n_servers);
	r_str(r, o, "domain", d->domain, sizeof(d->domain));
	r_strings(r, o, "search", d->search, sizeof(d->search[0]), DNS_MAX_SEARCH, &d->n_search);
	r_strings(r, o, "options", d->options, sizeof(d->options[0]), DNS_MAX_OPTIONS,
		  &d->n_options);
}

static const char *const att_keys[] = { "id",	       "ifname",	"netns", "netns_id",
					"host_ifname", "host_ifindex",	"mac",	 "ip",
					"slot",	       "created_netns", "cni",	 "ip6",
					"publish",     "device",	NULL };

static void read_att(struct reader *r, json_t *o, enum port_device net_device, struct attachment *a)
{
	char device[8];
	uint32_t slot = 0;

	if (!r->ret)
		r->ret = jcheck_keys(o, att_keys, r->err);
	r_str(r, o, "id", a->id, sizeof(a->id));
	r_ifname(r, o, "ifname", a->ifname);
	r_str(r, o, "netns", a->netns, sizeof(a->netns));
	r_u64(r, o, "netns_id", &a->netns_id);
	r_ifname(r, o, "host_ifname", a->host_ifname);
	r_int(r, o, "host_ifindex", &a->host_ifindex);
	r_mac(r, o, "mac", a->mac);
	r_ip_or_null(r, o, "ip", &a->ip);
	r_u32(r, o, "slot", (BPFBR_MAX_PORTS - 1), &slot);
	a->slot = (uint16_t)slot;
	r_bool(r, o, "created_netns", &a->created_netns);
	r_bool(r, o, "cni", &a->cni);
	a->device = net_device;
	if (json_object_get(o, "device")) {
		r_str(r, o, "device", device, sizeof(device));
		if (!r->ret && (port_device_parse(device, &a->device) || a->device == DEVICE_AUTO))
			r_fail(r, "an attachment's \"%s\" must be \"veth\" or \"netkit\"",
			       "device");
	}
	if (!r->ret && slot == 0)
		r_fail(r, "an attachment of %s uses slot 0, the gateway's", a->ifname);
	if (!r->ret)
		r->ret = att6_read(o, a, r->err);
	if (!r->ret)
		r->ret = att_publish_read(o, a, r->err);
}

static const char *const net_keys[] = { "version",
					"name",
					"index",
					"subnet",
					"gateway",
					"mtu",
					"ageing_s",
					"spoofchk",
					"hairpin",
					"gateway_dev",
					"gateway_dev_ifindex",
					"gateway_port",
					"gateway_port_ifindex",
					"gateway_mac",
					"attach_mode",
					"node_netns_id",
					"attachments",
					"uplink",
					"masquerade",
					"nat_share",
					"datapath",
					"gateway_allow",
					"range_start",
					"range_end",
					"last_ip",
					"dns",
					"node_cgroup",
					"nat_max",
					"nat_ports",
					"node_netns_cookie",
					"uplink_forwarding_before",
					"subnet6",
					"gateway6",
					"last_ip6",
					"device",
					NULL };

/* nat_max and nat_ports come together, or not at all (older files). */
static void read_nat_table(struct reader *r, json_t *o, struct netstate *state)
{
	char buf[16];

	if (r->ret || !json_object_get(o, "nat_max"))
		return;
	r_u32(r, o, "nat_max", BPFBR_NAT_FLOWS_MAX, &state->nat_max);
	r_str(r, o, "nat_ports", buf, sizeof(buf));
	if (!r->ret &&
	    (!state->nat_max || parse_port_range(buf, &state->nat_port_lo, &state->nat_port_hi)))
		r_fail(r, "%s is not a table size and a port range", "nat_max/nat_ports");
}

/* Each field may be well-formed and the whole still impossible: refuse that too. */
static void check_consistent(struct reader *r, const struct netstate *state)
{
	uint32_t mask = prefix_mask(state->subnet.prefix);
	char what[96];

	if (r->ret)
		return;
	if (!netstate_has_ipv4(state) && state->gateway)
		r_fail(r, "%s", "the network has an IPv4 gateway but no IPv4 subnet");
	else if (netstate_has_ipv4(state) &&
		 ((state->subnet.addr & ~mask) || !cidr_contains(&state->subnet, state->gateway)))
		r_fail(r, "%s", "the gateway is not inside the subnet");
	for (uint32_t i = 0; i < state->n_att && !r->ret; i++) {
		const struct attachment *a = &state->att[i];

		if (netstate_has_ipv4(state)
			    ? !cidr_contains(&state->subnet, a->ip) || a->ip == state->gateway
			    : a->ip != 0)
			r_fail(r,
			       "attachment %s has an address outside the subnet or the gateway's",
			       a->host_ifname);
		for (uint32_t j = 0; j < i && !r->ret; j++) {
			const struct attachment *b = &state->att[j];

			snprintf(what, sizeof(what), "attachments %s and %s share ", b->host_ifname,
				 a->host_ifname);
			if (a->slot == b->slot)
				r_fail(r, "%sa slot", what);
			else if (a->ip && a->ip == b->ip)
				r_fail(r, "%san address", what);
			else if (!memcmp(a->mac, b->mac, 6))
				r_fail(r, "%sa MAC", what);
			else if (!strcmp(a->host_ifname, b->host_ifname))
				r_fail(r, "%sa port device", what);
		}
	}
}

static void read_net(struct reader *r, json_t *o, struct netstate *state)
{
	char buf[IP_STR_LEN + 4];
	uint32_t version = 0;
	json_t *atts;

	if (!r->ret)
		r->ret = jcheck_keys(o, net_keys, r->err);
	r_u32(r, o, "version", UINT32_MAX, &version);
	if (!r->ret && version != STATE_VERSION)
		r_fail(r, "unsupported state version %s", "(expected 1)");
	r_str(r, o, "name", state->name, sizeof(state->name));
	r_u32(r, o, "index", 9999, &state->index);
	if (json_is_null(json_object_get(o, "subnet"))) {
		state->subnet = (struct cidr){ 0 }; /* IPv6 only: net6_read requires subnet6 */
	} else {
		r_str(r, o, "subnet", buf, sizeof(buf));
		if (!r->ret && (parse_cidr(buf, &state->subnet) || !state->subnet.prefix))
			r_fail(r, "\"%s\" is not an IPv4 subnet", "subnet");
	}
	r_ip_or_null(r, o, "gateway", &state->gateway);
	r_u32(r, o, "mtu", 65535, &state->mtu);
	r_u32(r, o, "ageing_s", 1000000, &state->ageing_s);
	r_bool(r, o, "spoofchk", &state->spoofchk);
	r_bool(r, o, "hairpin", &state->hairpin);
	r_ifname(r, o, "gateway_dev", state->gw_dev);
	r_int(r, o, "gateway_dev_ifindex", &state->gw_dev_ifindex);
	r_ifname(r, o, "gateway_port", state->gw_port);
	r_int(r, o, "gateway_port_ifindex", &state->gw_port_ifindex);
	r_mac(r, o, "gateway_mac", state->gw_mac);
	r_str(r, o, "attach_mode", buf, sizeof(buf));
	if (!r->ret && (attach_mode_parse(buf, &state->mode) || state->mode == ATTACH_PROBE))
		r_fail(r, "\"%s\" must be \"tcx\" or \"tc\"", "attach_mode");
	r_u64(r, o, "node_netns_id", &state->node_netns_id);
	if (json_object_get(o, "node_netns_cookie"))
		r_u64(r, o, "node_netns_cookie", &state->node_netns_cookie);
	r_bool(r, o, "masquerade", &state->masquerade);
	r_u32(r, o, "nat_share", BPFBR_NAT_FLOWS_MAX, &state->nat_share);
	r_str(r, o, "uplink", state->uplink, sizeof(state->uplink));
	r_str(r, o, "datapath", buf, sizeof(buf));
	if (!r->ret && datapath_mode_parse(buf, &state->datapath))
		r_fail(r, "\"%s\" must be \"tc\" or \"xdp\"", "datapath");
	state->device = DEVICE_VETH; /* older files: veth was all there was */
	if (json_object_get(o, "device")) {
		r_str(r, o, "device", buf, sizeof(buf));
		if (!r->ret &&
		    (port_device_parse(buf, &state->device) || state->device == DEVICE_AUTO))
			r_fail(r, "\"%s\" must be \"veth\" or \"netkit\"", "device");
	}
	if (!r->ret && (state->masquerade || state->uplink[0]) && !valid_ifname(state->uplink))
		r_fail(r, "\"%s\" is not a valid interface name", "uplink");
	r_opt_ip(r, o, "range_start", &state->range_start);
	r_opt_ip(r, o, "range_end", &state->range_end);
	r_opt_ip(r, o, "last_ip", &state->last_ip);
	if (!r->ret &&
	    (!state->range_start != !state->range_end ||
	     (state->range_start && (!cidr_contains(&state->subnet, state->range_start) ||
				     !cidr_contains(&state->subnet, state->range_end) ||
				     ntohl(state->range_start) > ntohl(state->range_end)))))
		r_fail(r, "%s is not an address range inside the subnet", "range_start-range_end");
	if (!r->ret)
		r->ret = net6_read(o, state, r->err);
	if (!r->ret && !netstate_has_ipv4(state) && !state->subnet6.prefix)
		r_fail(r, "%s", "the network has neither an IPv4 nor an IPv6 subnet");
	if (!r->ret)
		r->ret = net_publish_read(o, state, r->err);
	read_dns(r, json_object_get(o, "dns"), &state->dns);
	read_nat_table(r, o, state);
	state->uplink_fwd_before = -1;
	if (json_object_get(o, "uplink_forwarding_before")) {
		uint32_t v;

		r_u32(r, o, "uplink_forwarding_before", 1, &v);
		if (!r->ret)
			state->uplink_fwd_before = (int)v;
	}
	if (!r->ret && json_object_get(o, "gateway_allow")) {
		struct gwallow g;
		char why[128];

		r_str(r, o, "gateway_allow", state->gateway_allow, sizeof(state->gateway_allow));
		if (!r->ret && gwallow_parse(state->gateway_allow, &g, why, sizeof(why)))
			r_fail(r, "\"gateway_allow\": %s", why);
	}
	if (r->ret)
		return;
	atts = json_object_get(o, "attachments");
	if (!json_is_array(atts)) {
		r_fail(r, "\"%s\" must be an array", "attachments");
		return;
	}
	if (json_array_size(atts) >= (BPFBR_MAX_PORTS - 1)) {
		r_fail(r, "%s", "too many attachments");
		return;
	}
	state->att = calloc(json_array_size(atts) + 1, sizeof(*state->att));
	if (!state->att) {
		r->ret = -ENOMEM;
		snprintf(r->err, JERR_LEN, "out of memory");
		return;
	}
	state->n_att = (uint32_t)json_array_size(atts);
	for (uint32_t i = 0; i < state->n_att && !r->ret; i++)
		read_att(r, json_array_get(atts, i), state->device, &state->att[i]);
	check_consistent(r, state);
	if (!r->ret)
		r->ret = net6_check(state, r->err);
}

int state_load(const struct paths *p, const char *name, struct netstate *state)
{
	struct reader r = { .ret = 0 };
	char path[PATH_MAX];
	json_t *v;
	int err;

	memset(state, 0, sizeof(*state));
	err = net_file(p, name, path, sizeof(path));
	if (err)
		return err;
	if (access(path, F_OK))
		return -errno;
	v = json_load_file_strict(path, r.err);
	if (!v)
		r.ret = -EINVAL;
	else
		read_net(&r, v, state);
	json_decref(v);
	if (!r.ret && strcmp(state->name, name))
		r_fail(&r, "it describes network \"%s\"", state->name);
	if (r.ret) {
		netstate_free(state);
		pr_err("state file %s is corrupt (%s); bpfbr will not use it: repair or remove it",
		       path, r.err);
		return -EUCLEAN;
	}
	return 0;
}

int state_remove(const struct paths *p, const char *name)
{
	char path[PATH_MAX];
	int err = net_file(p, name, path, sizeof(path));

	if (err)
		return err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Calls fn(dir, file, net, arg) for each file NET + suffix in the networks
 * directory whose NET is a valid network name; a negative return stops the
 * walk and is returned. A missing directory holds nothing.
 */
static int each_net_file(const struct paths *p, const char *suffix,
			 int (*fn)(const char *dir, const char *file, const char *net, void *arg),
			 void *arg)
{
	size_t slen = strlen(suffix);
	char dir[PATH_MAX];
	struct dirent *de;
	int err;
	DIR *d;

	err = net_dir(p, dir, sizeof(dir));
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char net[NETNAME_MAX + 1];

		if (len <= slen || len - slen > NETNAME_MAX ||
		    strcmp(de->d_name + len - slen, suffix))
			continue;
		snprintf(net, sizeof(net), "%.*s", (int)(len - slen), de->d_name);
		if (valid_netname(net))
			err = fn(dir, de->d_name, net, arg);
	}
	closedir(d);
	return err;
}

struct name_list {
	char **v;
	int n;
};

static int add_name(const char *dir, const char *file, const char *net, void *arg)
{
	struct name_list *l = arg;
	char **nv = realloc(l->v, (size_t)(l->n + 1) * sizeof(*nv));

	(void)dir;
	(void)file;
	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->v[l->n] = strdup(net);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

int state_list(const struct paths *p, char ***names, int *count)
{
	struct name_list l = { 0 };
	int err = each_net_file(p, ".json", add_name, &l);

	*names = NULL;
	*count = 0;
	if (err) {
		state_names_free(l.v, l.n);
		return err;
	}
	if (l.n)
		qsort(l.v, (size_t)l.n, sizeof(*l.v), cmp_names);
	*names = l.v;
	*count = l.n;
	return 0;
}

struct scraps {
	void (*gone)(const char *net, void *arg);
	void *arg;
	int n;
};

static int remove_scrap(const char *dir, const char *file, const char *net, void *arg)
{
	struct scraps *s = arg;
	char path[PATH_MAX];

	if (path_join(path, sizeof(path), dir, file) || unlink(path))
		return 0;
	s->gone(net, s->arg);
	s->n++;
	return 0;
}

int state_remove_scraps(const struct paths *p, void (*gone)(const char *net, void *arg), void *arg)
{
	struct scraps s = { .gone = gone, .arg = arg };
	int err = each_net_file(p, ".json.tmp", remove_scrap, &s);

	return err ? err : s.n;
}

void state_names_free(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int state_foreach(const struct paths *p, int (*fn)(struct netstate *state, void *arg), void *arg)
{
	char **names;
	int n, err;

	err = state_list(p, &names, &n);
	for (int i = 0; !err && i < n; i++) {
		struct netstate state;

		if (state_load(p, names[i], &state))
			continue;
		err = fn(&state, arg);
		netstate_free(&state);
	}
	state_names_free(names, n);
	return err;
}

bool state_exists(const struct paths *p, const char *name)
{
	char path[PATH_MAX];

	return !net_file(p, name, path, sizeof(path)) && !access(path, F_OK);
}
