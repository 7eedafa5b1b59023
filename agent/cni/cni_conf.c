// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "cni_conf.h"
#include "cni_ports.h"
#include "cni_conf6.h"
#include "cni_log.h"
#include "gwallow.h"
#include "jsonutil.h"

/* A value for a message: compact JSON, cut short. */
static const char *shown(json_t *v, char buf[64])
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	snprintf(buf, 64, "%s", s ? s : "?");
	if (s && strlen(s) > 60)
		strcpy(buf + 57, "...");
	free(s);
	return buf;
}

static int want_type(json_t *v, const char *key, bool ok, const char *what, struct cni_err *e)
{
	char b[64];

	if (ok)
		return 0;
	return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" must be %s, not %s", key, what, shown(v, b));
}

static int get_str(json_t *v, const char *key, char *buf, size_t size, struct cni_err *e)
{
	int err = want_type(v, key, json_is_string(v), "a string", e);

	if (err)
		return err;
	if (json_string_length(v) >= size || strlen(json_string_value(v)) != json_string_length(v))
		return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" is longer than %zu bytes or holds a NUL",
				key, size - 1);
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int get_bool(json_t *v, const char *key, bool *out, struct cni_err *e)
{
	int err = want_type(v, key, json_is_boolean(v), "true or false", e);

	if (!err)
		*out = json_is_true(v);
	return err;
}

static int get_ip(json_t *v, const char *key, uint32_t *out, struct cni_err *e)
{
	char buf[64];
	int err = get_str(v, key, buf, sizeof(buf), e);

	if (!err && parse_ipv4(buf, out))
		return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" \"%s\" is not an IPv4 address", key,
				buf);
	return err;
}

static int get_cidr(json_t *v, const char *key, struct cidr *out, struct cni_err *e)
{
	char buf[64], net[IP_STR_LEN];
	uint32_t mask;
	int err = get_str(v, key, buf, sizeof(buf), e);

	if (err)
		return err;
	if (parse_cidr(buf, out))
		return cni_fail(e, CNI_ERR_CONFIG,
				"\"%s\" \"%s\" is not an IPv4 CIDR such as 10.40.0.0/24", key, buf);
	mask = prefix_mask(out->prefix);
	if (out->addr & ~mask)
		return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" \"%s\" has host bits set; use %s/%u",
				key, buf, ip_str(out->addr & mask, net), out->prefix);
	return 0;
}

/* A type names an executable looked up in CNI_PATH: a plain file name. */
static int get_type(json_t *v, const char *key, char *buf, struct cni_err *e)
{
	int err = get_str(v, key, buf, CNI_TYPE_LEN, e);

	if (!err && (!buf[0] || strchr(buf, '/') || !strcmp(buf, ".") || !strcmp(buf, "..")))
		return cni_fail(e, CNI_ERR_CONFIG,
				"\"%s\" \"%s\" must be a plugin's file name, without '/'", key,
				buf);
	return err;
}

/* Resolver strings end up in resolv.conf: one token each, printable. */
static bool resolver_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int get_strings(json_t *v, const char *key, bool ips, void *out, size_t size, uint32_t max,
		       uint32_t *n, struct cni_err *e)
{
	char buf[DNS_NAME_LEN], b[64];
	uint8_t addr[16];
	json_t *s;
	size_t i;
	int err = want_type(v, key, json_is_array(v), "an array of strings", e);

	if (err)
		return err;
	json_array_foreach (v, i, s) {
		err = get_str(s, key, buf, sizeof(buf), e);
		if (err)
			return err;
		if (!resolver_token(buf) || (ips && inet_pton(AF_INET, buf, addr) != 1 &&
					     inet_pton(AF_INET6, buf, addr) != 1))
			return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" holds %s, which is not %s", key,
					shown(s, b), ips ? "an IP address" : "one word");
		/* resolv.conf's limits: the rest would be ignored by the resolver. */
		if (*n < max && strlen(buf) < size) {
			memcpy((char *)out + *n * size, buf, strlen(buf) + 1);
			(*n)++;
		}
	}
	return 0;
}

/* "gatewayAllow": ["udp/53", "tcp/8080"] or ["all"] (the CLI's --gateway-allow). */
static int parse_gateway_allow(struct cni_conf *c, json_t *v, struct cni_err *e)
{
	const char *key = "gatewayAllow";
	char item[32], why[128];
	struct gwallow g;
	size_t i, len = 0;
	json_t *s;
	int err = want_type(v, key, json_is_array(v), "an array of strings", e);

	json_array_foreach (v, i, s) {
		if (err)
			break;
		err = get_str(s, key, item, sizeof(item), e);
		if (!err && (strchr(item, ',') || gwallow_parse(item, &g, why, sizeof(why))))
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"%s\" holds \"%s\", which is not \"all\", \"tcp/PORT\" or "
				       "\"udp/PORT\"",
				       key, item);
		if (!err && len + strlen(item) + 2 > sizeof(c->gateway_allow))
			err = cni_fail(e, CNI_ERR_CONFIG, "\"%s\" is too long; list at most %d",
				       key, BPFBR_GATEWAY_ALLOW_MAX);
		if (!err)
			len += (size_t)snprintf(c->gateway_allow + len,
						sizeof(c->gateway_allow) - len, "%s%s",
						len ? "," : "", item);
	}
	if (!err && gwallow_parse(c->gateway_allow, &g, why, sizeof(why)))
		err = cni_fail(e, CNI_ERR_CONFIG, "\"%s\": %s", key, why);
	return err;
}

static int parse_dns(struct cni_conf *c, json_t *v, struct cni_err *e)
{
	struct net_dns *d = &c->dns;
	const char *key;
	json_t *x;
	int err = want_type(v, "dns", json_is_object(v), "an object", e);

	c->dns_json = v;
	json_object_foreach (v, key, x) {
		if (err)
			break;
		if (!strcmp(key, "nameservers"))
			err = get_strings(x, "dns.nameservers", true, d->servers,
					  sizeof(d->servers[0]), DNS_MAX_SERVERS, &d->n_servers, e);
		else if (!strcmp(key, "search"))
			err = get_strings(x, "dns.search", false, d->search, sizeof(d->search[0]),
					  DNS_MAX_SEARCH, &d->n_search, e);
		else if (!strcmp(key, "options"))
			err = get_strings(x, "dns.options", false, d->options,
					  sizeof(d->options[0]), DNS_MAX_OPTIONS, &d->n_options, e);
		else if (!strcmp(key, "domain")) {
			err = get_str(x, "dns.domain", d->domain, sizeof(d->domain), e);
			if (!err && d->domain[0] && !resolver_token(d->domain))
				err = cni_fail(e, CNI_ERR_CONFIG,
					       "\"dns.domain\" must be one word");
		} else {
			char b[64];

			err = cni_fail(
				e, CNI_ERR_UNSUPPORTED,
				"unsupported key \"dns.%s\" (value %s); dns has nameservers, "
				"domain, search and options",
				key, shown(x, b));
		}
	}
	return err;
}

static int parse_routes(struct cni_conf *c, json_t *v, struct cni_err *e)
{
	char key[48];
	json_t *r;
	size_t i;
	int err = want_type(v, "routes", json_is_array(v), "an array of {\"dst\", \"gw\"}", e);

	if (!err && json_array_size(v) > CNI_MAX_ROUTES)
		err = cni_fail(e, CNI_ERR_CONFIG, "\"routes\" has %zu entries; at most %d",
			       json_array_size(v), CNI_MAX_ROUTES);
	json_array_foreach (v, i, r) {
		struct route4 *rt;
		struct cidr dst;
		const char *k;
		json_t *x;

		if (err)
			break;
		rt = &c->routes[c->n_routes];
		snprintf(key, sizeof(key), "routes[%zu]", i);
		err = want_type(r, key, json_is_object(r), "an object {\"dst\", \"gw\"}", e);
		if (!err && !json_object_get(r, "dst"))
			err = cni_fail(e, CNI_ERR_CONFIG, "\"%s\" has no \"dst\"", key);
		x = json_object_get(r, "dst");
		if (!err && json_is_string(x) && is_ipv6_text(json_string_value(x))) {
			err = cni_conf6_route(c, r, key, e);
			continue;
		}
		json_object_foreach (r, k, x) {
			if (err)
				break;
			snprintf(key, sizeof(key), "routes[%zu].%s", i, k);
			if (!strcmp(k, "dst")) {
				err = get_cidr(x, key, &dst, e);
				rt->dst = dst.addr;
				rt->prefix = dst.prefix;
			} else if (!strcmp(k, "gw")) {
				err = get_ip(x, key, &rt->gateway, e);
			} else {
				char b[64];

				err = cni_fail(e, CNI_ERR_UNSUPPORTED,
					       "unsupported key \"%s\" (value %s); a route has "
					       "\"dst\" and \"gw\"",
					       key, shown(x, b));
			}
		}
		c->n_routes++;
	}
	return err;
}

/* "A.B.C.D" or "A.B.C.D/N" from one of the places a runtime may ask for an address. */
static int request_ip(struct cni_conf *c, const char *s, const char *from, int prio,
		      struct cni_err *e)
{
	char buf[64], a[IP_STR_LEN], b[IP_STR_LEN];
	struct cidr cidr;
	uint32_t ip;

	snprintf(buf, sizeof(buf), "%s", s);
	if (strchr(buf, ':'))
		return cni_conf6_request_ip(c, s, from, prio, e);
	if (strchr(buf, '/') ? parse_cidr(buf, &cidr) : parse_ipv4(buf, &cidr.addr))
		return cni_fail(e, CNI_ERR_CONFIG, "%s \"%.64s\" is not an IPv4 address", from, s);
	ip = cidr.addr;
	if (prio == 1 && c->ip_from > 1)
		return 0; /* the config's addresses take precedence over CNI_ARGS */
	if (c->ip && c->ip != ip)
		return cni_fail(e, CNI_ERR_ADDRESS,
				"%s asks for %s but %s was asked for already; a container gets "
				"one address per network",
				from, ip_str(ip, a), ip_str(c->ip, b));
	c->ip = ip;
	c->ip_from = prio;
	return 0;
}

static int request_ips(struct cni_conf *c, json_t *v, const char *key, int prio, struct cni_err *e)
{
	json_t *s;
	size_t i;
	int err = want_type(v, key, json_is_array(v), "an array of addresses", e);

	json_array_foreach (v, i, s) {
		if (err)
			break;
		err = want_type(s, key, json_is_string(s), "an array of addresses", e);
		if (!err)
			err = request_ip(c, json_string_value(s), key, prio, e);
	}
	return err;
}

static int request_mac(struct cni_conf *c, const char *s, const char *from, int prio,
		       struct cni_err *e)
{
	uint8_t mac[6];

	if (parse_mac(s, mac) || !mac_is_unicast(mac))
		return cni_fail(
			e, CNI_ERR_CONFIG,
			"%s \"%.32s\" is not a unicast MAC address such as 02:00:0a:28:00:02", from,
			s);
	if (prio >= c->mac_from) {
		memcpy(c->mac, mac, 6);
		c->mac_from = prio;
	}
	return 0;
}

/* runtimeConfig and args hold what other plugins of a chain use too: only
 * the keys bpfbr reads are checked. */
static int parse_per_container(struct cni_conf *c, json_t *v, const char *key, int prio,
			       struct cni_err *e)
{
	char path[48];
	json_t *x;
	int err = want_type(v, key, json_is_object(v), "an object", e);

	x = json_object_get(v, "ips");
	if (!err && x) {
		snprintf(path, sizeof(path), "%s.ips", key);
		err = request_ips(c, x, path, prio, e);
	}
	x = json_object_get(v, "mac");
	if (!err && x) {
		snprintf(path, sizeof(path), "%s.mac", key);
		err = want_type(x, path, json_is_string(x), "a string", e);
		if (!err)
			err = request_mac(c, json_string_value(x), path, prio, e);
	}
	x = json_object_get(v, "portMappings");
	if (!err && x && prio == 3) {
		c->pub_given = true;
		err = cni_port_mappings(x, c->pub, &c->n_pub, e);
	}
	return err;
}

static int parse_valid(struct cni_conf *c, json_t *v, const char *key, struct cni_err *e)
{
	json_t *a;
	size_t i;
	int err;

	/* libcni sends null when no attachment is valid: none is. */
	if (json_is_null(v)) {
		c->valid = v;
		return 0;
	}
	err = want_type(v, key, json_is_array(v), "an array of {containerID, ifname}", e);
	json_array_foreach (v, i, a) {
		if (err)
			break;
		err = want_type(a, key,
				json_is_object(a) &&
					json_is_string(json_object_get(a, "containerID")) &&
					json_is_string(json_object_get(a, "ifname")),
				"an array of {\"containerID\": string, \"ifname\": string}", e);
	}
	c->valid = v;
	return err;
}

/* Keys of the bridge plugin that bpfbr accepts at values that change nothing. */
static int parse_compat(json_t *v, const char *key, struct cni_err *e)
{
	static const struct {
		const char *key;
		const char *why;
	} refused[] = {
		{ "forceAddress", "the gateway address of a network is fixed" },
		{ "promiscMode", "there is no bridge device to make promiscuous" },
		{ "vlan", "VLANs are not supported" },
		{ "vlanTrunk", "VLANs are not supported" },
		{ "disableContainerInterface", "the container interface is always brought up" },
		{ "portIsolation", "port isolation is not supported" },
	};
	bool harmless = json_is_false(v) || (json_is_integer(v) && !json_integer_value(v)) ||
			(json_is_array(v) && !json_array_size(v));
	char b[64];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strcmp(key, refused[i].key)) {
			if (harmless)
				return 0;
			return cni_fail(e, CNI_ERR_UNSUPPORTED,
					"unsupported \"%s\": %s in bpfbr: %s; remove the key", key,
					shown(v, b), refused[i].why);
		}
	/* bridge (a device name), enabledad (IPv6), preserveDefaultVlan, ipMasqBackend */
	return 0;
}

static bool is_compat(const char *key)
{
	static const char *const keys[] = { "bridge",
					    "enabledad",
					    "preserveDefaultVlan",
					    "ipMasqBackend",
					    "forceAddress",
					    "promiscMode",
					    "vlan",
					    "vlanTrunk",
					    "disableContainerInterface",
					    "portIsolation",
					    NULL };

	for (const char *const *k = keys; *k; k++)
		if (!strcmp(key, *k))
			return true;
	return false;
}

/* An absolute path without "." or ".." components. */
static int parse_root(struct cni_conf *c, json_t *v, struct cni_err *e)
{
	int err = get_str(v, "root", c->root, PATH_MAX - 256, e);
	char *p;

	if (err)
		return err;
	if (c->root[0] != '/')
		return cni_fail(e, CNI_ERR_CONFIG, "\"root\" \"%.64s\" must be an absolute path",
				c->root);
	for (p = c->root; p; p = strchr(p + 1, '/'))
		if (!strncmp(p, "/./", 3) || !strcmp(p, "/.") || !strncmp(p, "/../", 4) ||
		    !strcmp(p, "/.."))
			return cni_fail(e, CNI_ERR_CONFIG,
					"\"root\" \"%.64s\" must not contain \".\" or \"..\"",
					c->root);
	return 0;
}

enum seen {
	SEEN_SUBNET = 1 << 0,
	SEEN_RANGE = 1 << 1,
	SEEN_GATEWAY = 1 << 2,
	SEEN_ROUTES = 1 << 3,
	SEEN_IPAM = 1 << 4,
	SEEN_NAME = 1 << 5,
	SEEN_TYPE = 1 << 6,
	SEEN_UPLINK = 1 << 7,
	SEEN_RANGES = 1 << 8,
};

static int parse_key(struct cni_conf *c, const char *key, json_t *v, unsigned int *seen,
		     struct cni_err *e)
{
	bool is_gw;
	int err;

	if (!strcmp(key, "cniVersion"))
		return 0; /* read first */
	if (!strcmp(key, "cniVersions"))
		return want_type(v, key, json_is_array(v), "an array of versions", e);
	if (!strcmp(key, "name")) {
		*seen |= SEEN_NAME;
		err = get_str(v, key, c->name, sizeof(c->name), e);
		if (!err && !valid_netname(c->name))
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"name\" \"%s\" is invalid; use 1-63 letters, digits, '_', "
				       "'.', '-', starting with a letter or digit",
				       c->name);
		return err;
	}
	if (!strcmp(key, "type")) {
		*seen |= SEEN_TYPE;
		return get_type(v, key, c->type, e);
	}
	if (!strcmp(key, "root"))
		return parse_root(c, v, e);
	if (!strcmp(key, "logFile")) /* written by the entry (cni_log.h) */
		return want_type(v, key, cni_log_file(c->json) != NULL, "an absolute path", e);
	if (!strcmp(key, "subnet")) {
		*seen |= SEEN_SUBNET;
		return get_cidr(v, key, &c->subnet, e);
	}
	if (!strcmp(key, "ranges")) {
		*seen |= SEEN_RANGES;
		return cni_conf6_ranges(c, v, e);
	}
	if (!strcmp(key, "gateway")) {
		*seen |= SEEN_GATEWAY;
		return get_ip(v, key, &c->gateway, e);
	}
	if (!strcmp(key, "rangeStart")) {
		*seen |= SEEN_RANGE;
		return get_ip(v, key, &c->range_start, e);
	}
	if (!strcmp(key, "rangeEnd")) {
		*seen |= SEEN_RANGE;
		return get_ip(v, key, &c->range_end, e);
	}
	if (!strcmp(key, "routes")) {
		*seen |= SEEN_ROUTES;
		return parse_routes(c, v, e);
	}
	if (!strcmp(key, "mtu")) {
		err = want_type(v, key,
				json_is_integer(v) && json_integer_value(v) >= 68 &&
					json_integer_value(v) <= 65535,
				"an integer from 68 to 65535", e);
		if (!err)
			c->mtu = (uint32_t)json_integer_value(v);
		return err;
	}
	if (!strcmp(key, "isGateway")) {
		err = get_bool(v, key, &is_gw, e);
		if (!err && !is_gw)
			err = cni_fail(e, CNI_ERR_UNSUPPORTED,
				       "unsupported \"isGateway\": false; a bpfbr network always "
				       "has its gateway address on the node (that is how the node "
				       "reaches its containers); remove the key");
		return err;
	}
	if (!strcmp(key, "isDefaultGateway"))
		return get_bool(v, key, &c->default_route, e);
	if (!strcmp(key, "ipMasq"))
		return get_bool(v, key, &c->masquerade, e);
	if (!strcmp(key, "uplink")) {
		*seen |= SEEN_UPLINK;
		err = get_str(v, key, c->uplink, sizeof(c->uplink), e);
		if (!err && !valid_ifname(c->uplink))
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"uplink\" \"%s\" is not an interface name", c->uplink);
		return err;
	}
	if (!strcmp(key, "nodeCgroup")) {
		err = get_str(v, key, c->node_cgroup, sizeof(c->node_cgroup), e);
		if (!err && c->node_cgroup[0] != '/')
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"nodeCgroup\" \"%s\" is not an absolute cgroup2 directory "
				       "(e.g. /sys/fs/cgroup)",
				       c->node_cgroup);
		return err;
	}
	if (!strcmp(key, "hairpinMode"))
		return get_bool(v, key, &c->hairpin, e);
	if (!strcmp(key, "datapath")) {
		char mode[8];

		err = get_str(v, key, mode, sizeof(mode), e);
		if (!err && datapath_mode_parse(mode, &c->datapath))
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"datapath\" \"%s\" must be \"tc\" or \"xdp\"", mode);
		return err;
	}
	if (!strcmp(key, "device")) {
		char device[8];

		err = get_str(v, key, device, sizeof(device), e);
		if (!err && port_device_parse(device, &c->device))
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"device\" \"%s\" must be \"auto\", \"veth\" or \"netkit\"",
				       device);
		return err;
	}
	if (!strcmp(key, "macspoofchk"))
		return get_bool(v, key, &c->spoofchk, e);
	if (!strcmp(key, "ipam")) {
		*seen |= SEEN_IPAM;
		err = want_type(v, key, json_is_object(v), "an object with a \"type\"", e);
		if (!err && !json_object_get(v, "type"))
			err = cni_fail(e, CNI_ERR_CONFIG,
				       "\"ipam\" has no \"type\"; name an IPAM plugin (e.g. "
				       "host-local), or drop \"ipam\" and give \"subnet\" for "
				       "bpfbr's own address management");
		return err ?: get_type(json_object_get(v, "type"), "ipam.type", c->ipam_type, e);
	}
	if (!strcmp(key, "dns"))
		return parse_dns(c, v, e);
	if (!strcmp(key, "gatewayAllow"))
		return parse_gateway_allow(c, v, e);
	if (!strcmp(key, "runtimeConfig"))
		return parse_per_container(c, v, key, 3, e);
	if (!strcmp(key, "args")) {
		err = want_type(v, key, json_is_object(v), "an object", e);
		if (!err && json_object_get(v, "cni"))
			err = parse_per_container(c, json_object_get(v, "cni"), "args.cni", 2, e);
		return err;
	}
	if (!strcmp(key, "prevResult")) {
		c->prev = v;
		return want_type(v, key, json_is_object(v), "an object (a CNI result)", e);
	}
	if (!strcmp(key, "capabilities"))
		return want_type(v, key, json_is_object(v), "an object", e);
	if (!strcmp(key, "cni.dev/valid-attachments") || !strcmp(key, "cni.dev/attachments"))
		return parse_valid(c, v, key, e);
	if (!strncmp(key, "cni.dev/", 8))
		return 0; /* reserved for runtimes */
	if (is_compat(key))
		return parse_compat(v, key, e);
	{
		char b[64];

		return cni_fail(
			e, CNI_ERR_UNSUPPORTED,
			"unsupported key \"%.64s\" (value %s) in the network config of "
			"plugin bpfbr; see the README's \"CNI plugin\" section for the keys",
			key, shown(v, b));
	}
}

static int parse_version(struct cni_conf *c, json_t *root, struct cni_err *e)
{
	json_t *v = json_object_get(root, "cniVersion");
	char buf[32];
	int err;

	if (!v)
		return cni_fail(e, CNI_ERR_VERSION,
				"the network config has no \"cniVersion\"; bpfbr speaks %s",
				cni_ver_list());
	err = get_str(v, "cniVersion", buf, sizeof(buf), e);
	if (!err && cni_ver_parse(buf, &c->ver))
		err = cni_fail(e, CNI_ERR_VERSION,
			       "incompatible CNI version \"%s\": bpfbr speaks %s", buf,
			       cni_ver_list());
	return err;
}

/* What every command needs from the config, however lenient. */
static bool needed(const char *key)
{
	static const char *const keys[] = { "cniVersion",
					    "name",
					    "type",
					    "root",
					    "ipam",
					    "prevResult",
					    "cni.dev/valid-attachments",
					    "cni.dev/attachments",
					    NULL };

	for (const char *const *k = keys; *k; k++)
		if (!strcmp(key, *k))
			return true;
	return false;
}

/* What can only be checked with the whole config in hand. */
static int check_whole(struct cni_conf *c, unsigned int seen, struct cni_err *e)
{
	uint32_t mask = prefix_mask(c->subnet.prefix), base = ntohl(c->subnet.addr);

	if (!(seen & SEEN_NAME))
		return cni_fail(e, CNI_ERR_CONFIG, "the network config has no \"name\"");
	if (!(seen & SEEN_TYPE))
		return cni_fail(e, CNI_ERR_CONFIG, "the network config has no \"type\"");
	if ((seen & SEEN_RANGES) && (seen & (SEEN_SUBNET | SEEN_RANGE | SEEN_GATEWAY)))
		return cni_fail(e, CNI_ERR_CONFIG,
				"\"ranges\" holds the subnets, gateways and ranges: give "
				"\"subnet\", \"gateway\", \"rangeStart\" and \"rangeEnd\" "
				"inside it, not beside it");
	if ((seen & SEEN_IPAM) &&
	    (seen & (SEEN_SUBNET | SEEN_RANGES | SEEN_RANGE | SEEN_GATEWAY | SEEN_ROUTES)))
		return cni_fail(e, CNI_ERR_CONFIG,
				"\"subnet\", \"gateway\", \"rangeStart\", \"rangeEnd\" and "
				"\"routes\" are for bpfbr's own address management; with an "
				"\"ipam\" plugin they belong inside \"ipam\"");
	if (seen & SEEN_IPAM) {
		if (!strcmp(c->ipam_type, c->type))
			return cni_fail(e, CNI_ERR_CONFIG,
					"\"ipam.type\" \"%s\" is this plugin; drop \"ipam\" for "
					"bpfbr's own address management",
					c->ipam_type);
	} else if (!(seen & (SEEN_SUBNET | SEEN_RANGES))) {
		return cni_fail(
			e, CNI_ERR_CONFIG,
			"the network config has no \"subnet\" (e.g. \"10.40.0.0/24\") and "
			"no \"ipam\" plugin; one of them says which addresses containers get");
	}
	for (uint32_t i = 0; i < c->n_routes; i++)
		if (c->default_route && c->routes[i].prefix == 0)
			return cni_fail(
				e, CNI_ERR_CONFIG,
				"\"isDefaultGateway\" and a route to 0.0.0.0/0 both ask for "
				"the default route; keep one");
	if (c->default_route && c->subnet6.prefix)
		c->default_route6 = true; /* the bridge plugin's isDefaultGateway: both families */
	if ((seen & SEEN_RANGES) && !c->subnet.prefix) {
		/* An IPv6-only network: no IPv4 address, so no IPv4 route either. */
		if (c->n_routes)
			return cni_fail(e, CNI_ERR_CONFIG,
					"\"routes\" has an IPv4 route, and \"ranges\" has no IPv4 "
					"range set; drop the route or add an IPv4 range");
		c->default_route = false;
	}
	if (seen & SEEN_RANGE) {
		if (!c->range_start)
			c->range_start = htonl(base + 1);
		if (!c->range_end)
			c->range_end = htonl((base | ~ntohl(mask)) - 1);
	}
	return 0;
}

int cni_conf_parse(const char *text, size_t len, bool strict, struct cni_conf *c, struct cni_err *e)
{
	char jerr[JERR_LEN];
	unsigned int seen = 0;
	const char *key;
	json_t *v;
	int err;

	memset(c, 0, sizeof(*c));
	c->ver = CNI_VER_LATEST;
	c->spoofchk = true;
	strcpy(c->root, "/");
	c->json = json_parse_strict(text, len, jerr);
	if (!c->json)
		return cni_fail(e, CNI_ERR_DECODE, "the network config is not valid JSON: %s",
				jerr);
	if (!json_is_object(c->json))
		return cni_fail(e, CNI_ERR_DECODE, "the network config must be a JSON object");
	err = parse_version(c, c->json, e);
	json_object_foreach (c->json, key, v) {
		struct cni_err lax = { 0 };

		if (err)
			break;
		if (strict || needed(key)) {
			err = parse_key(c, key, v, &seen, e);
		} else if (parse_key(c, key, v, &seen, &lax)) {
			fprintf(stderr, "bpfbr: warning: %s (not needed here: ignored)\n", lax.msg);
			/* what the key would have set is left as it was */
		}
	}
	if (!err && strict)
		err = check_whole(c, seen, e);
	else if (!err && !(seen & (SEEN_NAME | SEEN_TYPE)))
		err = cni_fail(e, CNI_ERR_CONFIG, "the network config has no \"%s\"",
			       seen & SEEN_NAME ? "type" : "name");
	return err;
}

/* The CNI_ARGS values bpfbr reads are short; the others are never copied. */
#define ARG_VALUE_MAX 256

static int parse_arg(struct cni_conf *c, const char *kv, size_t len, bool *ignore_unknown,
		     char *unknown, size_t unknown_size, struct cni_err *e)
{
	const char *eq = memchr(kv, '=', len);
	size_t klen = eq ? (size_t)(eq - kv) : 0, vlen = len - klen - 1;
	char val[ARG_VALUE_MAX];

	if (!eq || !klen)
		return cni_fail(e, CNI_ERR_ENV, "CNI_ARGS \"%.*s\" is not KEY=VALUE",
				(int)(len > 64 ? 64 : len), kv);
#define IS(name) (klen == strlen(name) && !memcmp(kv, name, klen))
	if (!IS("IgnoreUnknown") && !IS("IP") && !IS("MAC")) {
		size_t used = strlen(unknown);

		if (used + klen + 2 < unknown_size)
			snprintf(unknown + used, unknown_size - used, "%s%.*s", used ? " " : "",
				 (int)klen, kv);
		return 0;
	}
	if (vlen >= sizeof(val))
		return cni_fail(e, CNI_ERR_ENV, "CNI_ARGS %.*s is longer than %d bytes", (int)klen,
				kv, ARG_VALUE_MAX - 1);
	memcpy(val, eq + 1, vlen);
	val[vlen] = '\0';
	if (IS("IgnoreUnknown")) {
		*ignore_unknown = !strcmp(val, "1") || !strcasecmp(val, "true");
		return 0;
	}
	if (IS("MAC"))
		return request_mac(c, val, "CNI_ARGS MAC", 1, e);
#undef IS
	/* IP: host-local takes a comma-separated list */
	for (char *p = val, *s; (s = strsep(&p, ","));) {
		int err = request_ip(c, s, "CNI_ARGS IP", 1, e);

		if (err)
			return err;
	}
	return 0;
}

int cni_args_parse(const char *args, struct cni_conf *c, struct cni_err *e)
{
	bool ignore_unknown = false;
	char unknown[256] = "";

	for (const char *p = args; p && *p;) {
		size_t len = strcspn(p, ";");
		int err = len ? parse_arg(c, p, len, &ignore_unknown, unknown, sizeof(unknown), e)
			      : 0;

		if (err)
			return err;
		p += len + (p[len] == ';');
	}
	if (unknown[0] && !ignore_unknown)
		return cni_fail(e, CNI_ERR_ENV,
				"CNI_ARGS has keys bpfbr does not know [%.200s]; add "
				"IgnoreUnknown=1 if they are for other plugins",
				unknown);
	return 0;
}

void cni_conf_free(struct cni_conf *c)
{
	json_decref(c->json);
	c->json = NULL;
}
