// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The CNI config and CNI_ARGS parser (agent/cni/cni_conf.c) and CNI_* variables (cni_env.c). */
#include <stdlib.h>
#include <arpa/inet.h>

#include "cni_conf.h"
#include "cni_env.h"
#include "harness.h"

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	parse_ipv4(s, &a);
	return a;
}

/* Parses text; returns the code (0: accepted) and leaves msg in e. */
static int parse(const char *text, struct cni_conf *c, struct cni_err *e)
{
	memset(e, 0, sizeof(*e));
	return cni_conf_parse(text, strlen(text), true, c, e) ? e->code : 0;
}

static bool refused(const char *text, int code, const char *word)
{
	struct cni_conf c;
	struct cni_err e;
	int got = parse(text, &c, &e);
	bool ok = ASSERT_EQ(got, code, text) && ASSERT_TRUE(strstr(e.msg, word) != NULL, e.msg);

	cni_conf_free(&c);
	return ok;
}

TEST(cni_conf_full)
{
	const char *text =
		"{\"cniVersion\": \"0.4.0\", \"name\": \"podnet\", \"type\": \"bpfbr\", "
		"\"root\": \"/run/x\", \"subnet\": \"10.40.0.0/24\", \"gateway\": \"10.40.0.254\", "
		"\"rangeStart\": \"10.40.0.10\", \"mtu\": 1400, \"ipMasq\": true, "
		"\"uplink\": \"up0\", \"hairpinMode\": true, \"macspoofchk\": false, "
		"\"nodeCgroup\": \"/sys/fs/cgroup\", "
		"\"isDefaultGateway\": true, \"routes\": [{\"dst\": \"192.0.2.0/24\", "
		"\"gw\": \"10.40.0.254\"}], \"dns\": {\"nameservers\": [\"10.40.0.1\", "
		"\"fd00::1\", "
		"\"10.0.0.3\", \"10.0.0.4\"], \"search\": [\"a.test\"], \"domain\": \"a.test\"}, "
		"\"runtimeConfig\": {\"mac\": \"02:00:00:00:00:01\", \"portMappings\": []}, "
		"\"args\": {\"cni\": {\"ips\": [\"10.40.0.7/24\"]}}, \"bridge\": \"cni0\", "
		"\"cni.dev/valid-attachments\": [{\"containerID\": \"a\", \"ifname\": \"eth0\"}]}";
	struct cni_conf c;
	struct cni_err e;

	if (!ASSERT_EQ(parse(text, &c, &e), 0, e.msg))
		goto out;
	ASSERT_EQ(c.ver, CNI_V040, "version");
	ASSERT_STREQ(c.name, "podnet", "name");
	ASSERT_STREQ(c.root, "/run/x", "root");
	ASSERT_STREQ(c.ipam_type, "", "own IPAM");
	ASSERT_EQ(c.subnet.addr, ip("10.40.0.0"), "subnet");
	ASSERT_EQ(c.subnet.prefix, 24, "prefix");
	ASSERT_EQ(c.gateway, ip("10.40.0.254"), "gateway");
	ASSERT_EQ(c.range_start, ip("10.40.0.10"), "range start");
	ASSERT_EQ(c.range_end, ip("10.40.0.254"), "range end defaults to the last host");
	ASSERT_EQ(c.mtu, 1400, "mtu");
	ASSERT_TRUE(c.masquerade && c.hairpin && !c.spoofchk && c.default_route, "flags");
	ASSERT_STREQ(c.uplink, "up0", "uplink");
	ASSERT_STREQ(c.node_cgroup, "/sys/fs/cgroup", "nodeCgroup");
	ASSERT_EQ(c.n_routes, 1, "routes");
	ASSERT_EQ(c.routes[0].dst, ip("192.0.2.0"), "route dst");
	ASSERT_EQ(c.routes[0].gateway, ip("10.40.0.254"), "route gw");
	ASSERT_EQ(c.dns.n_servers, DNS_MAX_SERVERS, "name servers cut to resolv.conf's 3");
	ASSERT_STREQ(c.dns.servers[1], "fd00::1", "IPv6 name server");
	ASSERT_STREQ(c.dns.domain, "a.test", "domain");
	ASSERT_EQ(json_array_size(json_object_get(c.dns_json, "nameservers")), 4,
		  "the result gets every name server");
	ASSERT_EQ(c.mac_from, 3, "runtimeConfig.mac");
	ASSERT_EQ(c.mac[5], 1, "mac");
	ASSERT_EQ(c.ip, ip("10.40.0.7"), "args.cni.ips");
	ASSERT_EQ(json_array_size(c.valid), 1, "valid attachments");
out:
	cni_conf_free(&c);
}

TEST(cni_conf_defaults)
{
	const char *text = "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			   "\"ipam\": {\"type\": \"host-local\", \"anything\": [1]}}";
	struct cni_conf c;
	struct cni_err e;

	if (ASSERT_EQ(parse(text, &c, &e), 0, e.msg)) {
		ASSERT_STREQ(c.root, "/", "root");
		ASSERT_STREQ(c.ipam_type, "host-local", "delegated");
		ASSERT_TRUE(c.spoofchk && !c.masquerade && !c.default_route, "defaults");
		ASSERT_STREQ(c.node_cgroup, "", "no nodeCgroup: no socket hooks");
		ASSERT_EQ(c.range_start, 0, "no range");
		ASSERT_TRUE(c.prev == NULL && c.dns_json == NULL, "no prevResult, no dns");
	}
	cni_conf_free(&c);
}

TEST(cni_conf_refusals)
{
	const char *base = "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", \"type\": \"bpfbr\", ";

	refused("{", CNI_ERR_DECODE, "line 1");
	refused("[]", CNI_ERR_DECODE, "object");
	refused("{\"name\": \"n\", \"type\": \"t\", \"subnet\": \"10.0.0.0/8\"}", CNI_ERR_VERSION,
		"cniVersion");
	refused("{\"cniVersion\": \"0.2.0\", \"name\": \"n\"}", CNI_ERR_VERSION, "0.2.0");
	refused("{\"cniVersion\": 1, \"name\": \"n\"}", CNI_ERR_CONFIG, "string");
	{
		char t[512];
		static const struct {
			const char *tail;
			int code;
			const char *word;
		} cases[] = {
			{ "\"subnet\": \"10.0.0.1/8\"}", CNI_ERR_CONFIG, "use 10.0.0.0/8" },
			{ "\"subnet\": \"10.0.0.0/8\", \"mtu\": 1e3}", CNI_ERR_CONFIG, "mtu" },
			{ "\"subnet\": \"10.0.0.0/8\", \"mtu\": 67}", CNI_ERR_CONFIG, "68" },
			{ "\"subnet\": \"10.0.0.0/8\", \"isGateway\": false}", CNI_ERR_UNSUPPORTED,
			  "isGateway" },
			{ "\"subnet\": \"10.0.0.0/8\", \"x\": {\"y\": 1}}", CNI_ERR_UNSUPPORTED,
			  "{\"y\":1}" },
			{ "\"subnet\": \"10.0.0.0/8\", \"vlanTrunk\": [{\"id\": 5}]}",
			  CNI_ERR_UNSUPPORTED, "VLAN" },
			{ "\"subnet\": \"10.0.0.0/8\", \"uplink\": \"up 0\"}", CNI_ERR_CONFIG,
			  "not an interface name" },
			{ "\"subnet\": \"10.0.0.0/8\", \"datapath\": \"bpf\"}", CNI_ERR_CONFIG,
			  "\"tc\" or \"xdp\"" },
			{ "\"subnet\": \"10.0.0.0/8\", \"nodeCgroup\": \"sys/fs/cgroup\"}",
			  CNI_ERR_CONFIG, "absolute cgroup2 directory" },
			{ "\"subnet\": \"10.0.0.0/8\", \"ipam\": {\"type\": \"h\"}}",
			  CNI_ERR_CONFIG, "inside" },
			{ "\"ipam\": {\"type\": \"bpfbr\"}}", CNI_ERR_CONFIG, "this plugin" },
			{ "\"ipam\": {\"type\": \"a/b\"}}", CNI_ERR_CONFIG, "without '/'" },
			{ "\"subnet\": \"10.0.0.0/8\", \"root\": \"/a/../b\"}", CNI_ERR_CONFIG,
			  ".." },
			{ "\"subnet\": \"10.0.0.0/8\", \"root\": \"a\"}", CNI_ERR_CONFIG,
			  "absolute" },
			{ "\"subnet\": \"10.0.0.0/8\", \"dns\": {\"search\": [\"a b\"]}}",
			  CNI_ERR_CONFIG, "one word" },
			{ "\"subnet\": \"10.0.0.0/8\", \"routes\": [{\"dst\": \"0.0.0.0/0\"}], "
			  "\"isDefaultGateway\": true}",
			  CNI_ERR_CONFIG, "isDefaultGateway" },
			{ "\"subnet\": \"10.0.0.0/8\", \"runtimeConfig\": {\"ips\": "
			  "[\"fd00::1\", \"fd00::2\"]}}",
			  CNI_ERR_ADDRESS, "one address per family" },
			{ "\"subnet\": \"10.0.0.0/8\", \"ranges\": [[{\"subnet\": "
			  "\"10.0.0.0/8\"}], [{\"subnet\": \"fd00::/64\"}]]}",
			  CNI_ERR_CONFIG, "inside it" },
			{ "\"ranges\": [[{\"subnet\": \"fd00::/64\"}]], \"routes\": [{\"dst\": "
			  "\"10.0.0.0/8\"}]}",
			  CNI_ERR_CONFIG, "no IPv4 range" },
			{ "\"ranges\": [[{\"subnet\": \"10.0.0.0/8\"}], [{\"subnet\": "
			  "\"fd00::/64\"}]], \"routes\": [{\"dst\": \"2001:db8::/32\"}]}",
			  CNI_ERR_UNSUPPORTED, "::/0" },
			{ "\"subnet\": \"10.0.0.0/8\", \"runtimeConfig\": {\"ips\": "
			  "[\"10.0.0.5\"]}, "
			  "\"args\": {\"cni\": {\"ips\": [\"10.0.0.6\"]}}}",
			  CNI_ERR_ADDRESS, "one address" },
			{ "\"subnet\": \"10.0.0.0/8\", \"cni.dev/valid-attachments\": [{}]}",
			  CNI_ERR_CONFIG, "containerID" },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			snprintf(t, sizeof(t), "%s%s", base, cases[i].tail);
			refused(t, cases[i].code, cases[i].word);
		}
	}
}

TEST(cni_args)
{
	const char *text = "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			   "\"subnet\": \"10.0.0.0/8\", \"runtimeConfig\": {\"mac\": "
			   "\"02:00:00:00:00:03\"}}";
	struct cni_conf c;
	struct cni_err e;

	if (!ASSERT_EQ(parse(text, &c, &e), 0, e.msg))
		goto out;
	ASSERT_OK(cni_args_parse("IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.0.0.9;MAC=02:00:00:00:00:09",
				 &c, &e),
		  e.msg);
	ASSERT_EQ(c.ip, ip("10.0.0.9"), "IP");
	ASSERT_EQ(c.mac[5], 3, "runtimeConfig.mac wins over CNI_ARGS MAC");
	ASSERT_OK(cni_args_parse("", &c, &e), "empty");
	ASSERT_OK(cni_args_parse(NULL, &c, &e), "unset");
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(cni_args_parse("K8S_POD_NAME=p;FOO=1", &c, &e) != 0, "unknown keys");
	ASSERT_EQ(e.code, CNI_ERR_ENV, "code");
	ASSERT_TRUE(strstr(e.msg, "K8S_POD_NAME FOO") != NULL, e.msg);
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(cni_args_parse("IP=10.0.0.10", &c, &e) != 0, "second address");
	ASSERT_EQ(e.code, CNI_ERR_ADDRESS, "code");
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(cni_args_parse("=x", &c, &e) != 0, "no key");
	ASSERT_TRUE(strstr(e.msg, "KEY=VALUE") != NULL, e.msg);
out:
	cni_conf_free(&c);
}

/* A dual-stack config: ranges of both families, ::/0, an IPv6 address asked for. */
TEST(cni_conf_dual_stack)
{
	const char *text = "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			   "\"ranges\": [[{\"subnet\": \"10.40.0.0/24\", \"rangeStart\": "
			   "\"10.40.0.10\"}], [{\"subnet\": \"fd00:40::/64\", \"gateway\": "
			   "\"fd00:40::fe\"}]], \"routes\": [{\"dst\": \"::/0\"}], "
			   "\"runtimeConfig\": {\"ips\": [\"10.40.0.7/24\", \"fd00:40::7/64\"]}}";
	uint8_t want[16] = { 0xfd, 0, 0, 0x40, [15] = 7 };
	struct cni_conf c;
	struct cni_err e;

	if (ASSERT_EQ(parse(text, &c, &e), 0, e.msg)) {
		ASSERT_EQ(c.subnet.addr, ip("10.40.0.0"), "IPv4 subnet");
		ASSERT_EQ(c.range_start, ip("10.40.0.10"), "range start");
		ASSERT_EQ(c.range_end, ip("10.40.0.254"), "range end: the subnet's last host");
		ASSERT_EQ(c.subnet6.prefix, 64, "IPv6 prefix");
		ASSERT_EQ(c.gateway6[15], 0xfe, "IPv6 gateway");
		ASSERT_MEMEQ(c.ip6, want, 16, "the IPv6 address asked for");
		ASSERT_EQ(c.ip, ip("10.40.0.7"), "the IPv4 address asked for");
		ASSERT_TRUE(c.default_route6, "::/0");
		ASSERT_EQ(c.n_routes, 0, "no IPv4 route from ::/0");
	}
	cni_conf_free(&c);
}

/* An IPv6-only config: the IPv6 range set alone; isDefaultGateway is IPv6's default route. */
TEST(cni_conf_ipv6_only)
{
	const char *text = "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			   "\"ranges\": [[{\"subnet\": \"fd00:40::/64\"}]], "
			   "\"isDefaultGateway\": true}";
	struct cni_conf c;
	struct cni_err e;

	if (ASSERT_EQ(parse(text, &c, &e), 0, e.msg)) {
		ASSERT_EQ(c.subnet.prefix, 0, "no IPv4 subnet");
		ASSERT_EQ(c.range_start, 0, "no IPv4 range");
		ASSERT_EQ(c.subnet6.prefix, 64, "IPv6 prefix");
		ASSERT_TRUE(!c.default_route, "no IPv4 default route");
		ASSERT_TRUE(c.default_route6, "the IPv6 default route");
	}
	cni_conf_free(&c);
}

/* DEL, CHECK, GC and STATUS: what they do not need never blocks them. */
TEST(cni_conf_lenient)
{
	const char *text = "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			   "\"logLevel\": \"debug\", \"disableCheck\": true, \"mtu\": \"x\", "
			   "\"cni.dev/valid-attachments\": null}";
	struct cni_conf c;
	struct cni_err e = { 0 };

	ASSERT_OK(cni_conf_parse(text, strlen(text), false, &c, &e), e.msg);
	ASSERT_EQ(json_array_size(c.valid), 0, "null attachments: none valid");
	cni_conf_free(&c);
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(cni_conf_parse(text, strlen(text), true, &c, &e) != 0, "ADD stays strict");
	ASSERT_EQ(e.code, CNI_ERR_UNSUPPORTED, e.msg);
	cni_conf_free(&c);
	text = "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", \"root\": \"x\"}";
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(cni_conf_parse(text, strlen(text), false, &c, &e) != 0, "a bad root");
	ASSERT_EQ(e.code, CNI_ERR_CONFIG, e.msg);
	cni_conf_free(&c);
}

/* Only the values bpfbr reads are bounded; the config's addresses win over CNI_ARGS IP. */
TEST(cni_args_long_and_precedence)
{
	const char *text = "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			   "\"subnet\": \"10.0.0.0/8\", \"args\": {\"cni\": {\"ips\": "
			   "[\"10.0.0.5\"]}}}";
	char args[1024];
	struct cni_conf c;
	struct cni_err e;

	if (!ASSERT_EQ(parse(text, &c, &e), 0, e.msg))
		goto out;
	snprintf(args, sizeof(args), "IgnoreUnknown=1;K8S_POD_NAME=%0253d;%0100d=v;IP=10.0.0.9", 7,
		 1);
	ASSERT_OK(cni_args_parse(args, &c, &e), e.msg);
	ASSERT_EQ(c.ip, ip("10.0.0.5"), "args.cni.ips over CNI_ARGS IP");
	memset(&e, 0, sizeof(e));
	snprintf(args, sizeof(args), "MAC=%0300d", 1);
	ASSERT_TRUE(cni_args_parse(args, &c, &e) != 0, "an over-long value bpfbr reads");
	ASSERT_TRUE(strstr(e.msg, "MAC") != NULL, e.msg);
out:
	cni_conf_free(&c);
}

TEST(cni_env)
{
	struct cni_env ev;
	struct cni_err e = { 0 };

	setenv("CNI_COMMAND", "ADD", 1);
	unsetenv("CNI_CONTAINERID");
	unsetenv("CNI_NETNS");
	setenv("CNI_IFNAME", "", 1);
	ASSERT_TRUE(cni_env_read(&ev, &e) != 0, "missing");
	ASSERT_EQ(e.code, CNI_ERR_ENV, "code");
	ASSERT_TRUE(strstr(e.msg, "[CNI_CONTAINERID CNI_NETNS CNI_IFNAME]") != NULL, e.msg);

	memset(&e, 0, sizeof(e));
	setenv("CNI_CONTAINERID", "abc-1.x_y", 1);
	setenv("CNI_NETNS", "/run/netns/x", 1);
	setenv("CNI_IFNAME", "eth0", 1);
	ASSERT_OK(cni_env_read(&ev, &e), e.msg);
	ASSERT_EQ(ev.cmd, CNI_ADD, "command");

	setenv("CNI_CONTAINERID", "-abc", 1);
	ASSERT_TRUE(cni_env_read(&ev, &e) != 0, "bad id");
	ASSERT_TRUE(!cni_valid_containerid("a/b") && !cni_valid_containerid("") &&
			    cni_valid_containerid("0"),
		    "container ids");

	memset(&e, 0, sizeof(e));
	setenv("CNI_COMMAND", "DEL", 1);
	setenv("CNI_CONTAINERID", "abc", 1);
	unsetenv("CNI_NETNS");
	ASSERT_OK(cni_env_read(&ev, &e), "DEL needs no netns");
	setenv("CNI_COMMAND", "GC", 1);
	unsetenv("CNI_PATH");
	ASSERT_TRUE(cni_env_read(&ev, &e) != 0 && strstr(e.msg, "CNI_PATH"), "GC needs CNI_PATH");
	unsetenv("CNI_COMMAND");
	unsetenv("CNI_CONTAINERID");
	unsetenv("CNI_IFNAME");
}

/* runtimeConfig.portMappings: one port each, consecutive ones joined into a range; bad ones
 * refused with code 7 naming the entry. */
TEST(cni_port_mappings)
{
	const char *text =
		"{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
		"\"subnet\": \"10.40.0.0/24\", \"runtimeConfig\": {\"portMappings\": ["
		"{\"hostPort\": 9000, \"containerPort\": 7000, \"protocol\": \"udp\"},"
		"{\"hostPort\": 9001, \"containerPort\": 7001, \"protocol\": \"udp\"},"
		"{\"hostPort\": 8080, \"containerPort\": 80, \"hostIP\": \"198.51.100.1\"}]}}";
	char s[PUBLISH_STR_LEN];
	struct cni_conf c;
	struct cni_err e;

	if (ASSERT_OK(parse(text, &c, &e), e.msg) && ASSERT_TRUE(c.pub_given, "given") &&
	    ASSERT_EQ(c.n_pub, 2, "two ranges")) {
		ASSERT_STREQ(publish_str(&c.pub[0], s), "9000-9001:7000-7001/udp", "joined");
		ASSERT_STREQ(publish_str(&c.pub[1], s), "198.51.100.1:8080:80/tcp",
			     "tcp by default");
	}
	cni_conf_free(&c);
	refused("{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
		"\"runtimeConfig\": "
		"{\"portMappings\": [{\"hostPort\": 0, \"containerPort\": 80}]}}",
		CNI_ERR_CONFIG, "portMappings[0]: \"hostPort\" must be a port 1-65535");
	refused("{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
		"\"runtimeConfig\": "
		"{\"portMappings\": [{\"hostPort\": 1, \"containerPort\": 80, \"protocol\": "
		"\"sctp\"}]}}",
		CNI_ERR_CONFIG, "\"protocol\" must be \"tcp\" or \"udp\"");
}
