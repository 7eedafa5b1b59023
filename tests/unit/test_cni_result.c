// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* CNI results: import, export per version, building, leases (agent/cni/cni_result.c). */
#include <stdlib.h>

#include "cni_result.h"
#include "harness.h"
#include "jsonutil.h"

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	parse_ipv4(s, &a);
	return a;
}

static json_t *load(const char *text)
{
	char err[JERR_LEN];
	json_t *v = json_parse_strict(text, strlen(text), err);

	if (!v)
		test_fail(__FILE__, __LINE__, "test JSON: %s", err);
	return v;
}

/* What bpfbr reports for a container, in the latest shape. */
static json_t *sample(void)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 5 };
	json_t *r = cni_result_new();
	int idx;

	cni_result_add_iface(r, "bpfbr0", mac, 1400, NULL);
	idx = cni_result_add_iface(r, "eth0", mac, 1400, "/run/netns/c1");
	cni_result_add_ip(r, ip("10.40.0.2"), 24, ip("10.40.0.1"), idx);
	cni_result_add_route(r, 0, 0, ip("10.40.0.1"));
	cni_result_add_route(r, ip("192.0.2.0"), 24, 0);
	return r;
}

static bool dumped(json_t *v, const char *want)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = ASSERT_STREQ(s, want, "result");

	free(s);
	return ok;
}

TEST(cni_result_export_per_version)
{
	json_t *r = sample(), *o;

	o = cni_result_export(r, CNI_V110);
	dumped(o,
	       "{\"cniVersion\":\"1.1.0\",\"dns\":{},\"interfaces\":[{\"mac\":\"02:00:00:00:00:"
	       "05\","
	       "\"mtu\":1400,\"name\":\"bpfbr0\"},{\"mac\":\"02:00:00:00:00:05\",\"mtu\":1400,"
	       "\"name\":\"eth0\",\"sandbox\":\"/run/netns/c1\"}],\"ips\":[{\"address\":"
	       "\"10.40.0.2/24\",\"gateway\":\"10.40.0.1\",\"interface\":1}],\"routes\":[{\"dst\":"
	       "\"0.0.0.0/0\",\"gw\":\"10.40.0.1\"},{\"dst\":\"192.0.2.0/24\"}]}");
	json_decref(o);
	o = cni_result_export(r, CNI_V100);
	ASSERT_TRUE(!json_object_get(json_array_get(json_object_get(o, "interfaces"), 0), "mtu"),
		    "1.0.0 has no interface mtu");
	ASSERT_TRUE(!json_object_get(json_array_get(json_object_get(o, "ips"), 0), "version"),
		    "1.0.0 has no ips version");
	json_decref(o);
	o = cni_result_export(r, CNI_V031);
	ASSERT_STREQ(json_string_value(json_object_get(json_array_get(json_object_get(o, "ips"), 0),
						       "version")),
		     "4", "0.3.1 ips version");
	ASSERT_STREQ(json_string_value(json_object_get(o, "cniVersion")), "0.3.1", "cniVersion");
	json_decref(o);
	/* Empty lists are left out, dns is always there. */
	json_decref(r);
	r = cni_result_new();
	o = cni_result_export(r, CNI_V100);
	dumped(o, "{\"cniVersion\":\"1.0.0\",\"dns\":{}}");
	json_decref(o);
	json_decref(r);
}

TEST(cni_result_import_round_trip)
{
	json_t *r = sample(), *old = cni_result_export(r, CNI_V040), *a, *b;
	struct cni_err e = { 0 };

	/* 0.4.0 in, 1.0.0 out: the same as 1.0.0 straight away. */
	if (ASSERT_OK(cni_result_import(old, CNI_V040, "prevResult", &e), e.msg)) {
		a = cni_result_export(old, CNI_V100);
		b = cni_result_export(r, CNI_V100);
		ASSERT_TRUE(json_equal(a, b), "round trip through 0.4.0");
		json_decref(a);
		json_decref(b);
	}
	json_decref(old);
	json_decref(r);
}

static bool import_fails(const char *text, enum cni_ver ver, int code, const char *word)
{
	json_t *v = load(text);
	struct cni_err e = { 0 };
	bool ok = ASSERT_TRUE(v && cni_result_import(v, ver, "prevResult", &e) != 0, text) &&
		  ASSERT_EQ(e.code, code, text) && ASSERT_TRUE(strstr(e.msg, word) != NULL, e.msg);

	json_decref(v);
	return ok;
}

TEST(cni_result_import_refuses)
{
	import_fails("[]", CNI_V100, CNI_ERR_DECODE, "object");
	import_fails("{\"cniVersion\": \"0.2.0\"}", CNI_V100, CNI_ERR_VERSION, "0.2.0");
	import_fails("{\"ips\": [{\"address\": \"10.0.0.1/24\"}]}", CNI_V040, CNI_ERR_DECODE,
		     "version");
	import_fails("{\"ips\": [{\"address\": \"10.0.0.1/24\", \"version\": \"6\"}]}", CNI_V040,
		     CNI_ERR_DECODE, "family");
	import_fails("{\"ips\": [{\"address\": \"10.0.0.1\"}]}", CNI_V100, CNI_ERR_DECODE,
		     "prefix");
	import_fails("{\"ips\": [{\"address\": \"10.0.0.1/33\"}]}", CNI_V100, CNI_ERR_DECODE,
		     "prefix");
	import_fails("{\"ips\": [{\"address\": \"10.0.0.1/24\", \"gateway\": \"fd00::1\"}]}",
		     CNI_V100, CNI_ERR_DECODE, "family");
	import_fails("{\"interfaces\": [{\"name\": \"a\"}], \"ips\": [{\"address\": "
		     "\"10.0.0.1/24\", \"interface\": 1}]}",
		     CNI_V100, CNI_ERR_DECODE, "interface");
	import_fails("{\"interfaces\": [{\"mac\": \"x\"}]}", CNI_V100, CNI_ERR_DECODE, "name");
	import_fails("{\"routes\": [{\"dst\": \"10.0.0.0/8\", \"mtu\": -1}]}", CNI_V110,
		     CNI_ERR_DECODE, "mtu");
	import_fails("{\"dns\": []}", CNI_V100, CNI_ERR_DECODE, "dns");
}

TEST(cni_result_append_shifts_indexes)
{
	json_t *prev = load("{\"interfaces\": [{\"name\": \"lo\"}], \"ips\": [{\"address\": "
			    "\"fd00::1/64\", \"interface\": 0}]}");
	json_t *r = sample();

	ASSERT_OK(cni_result_append(prev, r), "append");
	ASSERT_EQ(json_array_size(json_object_get(prev, "interfaces")), 3, "interfaces");
	ASSERT_EQ(json_integer_value(json_object_get(
			  json_array_get(json_object_get(prev, "ips"), 1), "interface")),
		  2, "our ip points at our interface");
	ASSERT_EQ(json_array_size(json_object_get(prev, "routes")), 2, "routes made");
	ASSERT_EQ(cni_result_find_iface(prev, "eth0", "/run/netns/c1"), 2, "find");
	ASSERT_EQ(cni_result_find_iface(prev, "eth0", "/run/netns/c2"), -ENOENT, "other sandbox");
	json_decref(prev);
	json_decref(r);
}

TEST(cni_result_lease)
{
	json_t *v = load("{\"cniVersion\": \"1.0.0\", \"ips\": [{\"address\": \"10.1.2.3/16\", "
			 "\"gateway\": \"10.1.0.1\"}], \"routes\": [{\"dst\": \"0.0.0.0/0\"}, "
			 "{\"dst\": \"192.0.2.0/24\", \"gw\": \"10.1.0.9\"}], \"dns\": "
			 "{\"nameservers\": [\"10.1.0.1\"]}}");
	struct cni_err e = { 0 };
	struct cni_lease l;

	if (ASSERT_OK(cni_result_import(v, CNI_V100, "ipam", &e), e.msg) &&
	    ASSERT_OK(cni_result_lease(v, &l, &e), e.msg)) {
		ASSERT_EQ(l.ip, ip("10.1.2.3"), "ip");
		ASSERT_EQ(l.prefix, 16, "prefix");
		ASSERT_EQ(l.gateway, ip("10.1.0.1"), "gateway");
		ASSERT_EQ(l.n_routes, 2, "routes");
		ASSERT_EQ(l.routes[1].gateway, ip("10.1.0.9"), "route gw");
		ASSERT_TRUE(l.dns != NULL, "dns");
	}
	json_decref(v);

	v = load("{\"ips\": [{\"address\": \"fd00::3/64\"}]}");
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(!cni_result_import(v, CNI_V100, "ipam", &e) &&
			    cni_result_lease(v, &l, &e) != 0 && strstr(e.msg, "IPv4 only"),
		    e.msg);
	json_decref(v);
	v = load("{\"ips\": []}");
	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(cni_result_lease(v, &l, &e) != 0 && strstr(e.msg, "no IPv4"), e.msg);
	json_decref(v);
}
