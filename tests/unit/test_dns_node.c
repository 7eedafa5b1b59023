// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The resolver a CLI container gets (agent/dns_node.c), as Docker gives it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns_node.h"
#include "harness.h"

static char dir[64];

static bool write_file(const char *rel, const char *text)
{
	char path[256], sub[256];
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/%s", dir, rel);
	for (char *p = strchr(sub + strlen(dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(sub, 0755);
		*p = '/';
	}
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	return !fclose(f);
}

static bool root(struct paths *p)
{
	snprintf(dir, sizeof(dir), "/tmp/bpfbr-unit.XXXXXX");
	return ASSERT_TRUE(mkdtemp(dir) != NULL, "mkdtemp") &&
	       ASSERT_OK(paths_init(p, dir), "paths");
}

static void unroot(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

TEST(dns_node_resolver_reachable_is_left_alone)
{
	struct net_dns net = { 0 }, out;
	struct paths p;

	if (!root(&p))
		return;
	write_file("etc/resolv.conf", "nameserver 192.0.2.1\nsearch a.test\n");
	ASSERT_EQ(dns_for_container(&p, &net, &out), 0, "a reachable resolver needs no file");
	ASSERT_EQ(dns_for_container(&p, &(struct net_dns){ 0 }, &out), 0, "no file either way");
	unroot();
}

TEST(dns_loopback_servers_are_replaced)
{
	struct net_dns net = { 0 }, out;
	struct paths p;

	if (!root(&p))
		return;
	write_file("etc/resolv.conf",
		   "nameserver 127.0.0.53\nnameserver ::1\nsearch a.test b.test\n"
		   "options edns0\n");
	ASSERT_EQ(dns_for_container(&p, &net, &out), 1, "loopback servers: a file");
	ASSERT_EQ(out.n_servers, 2, "Docker's two fallback servers");
	ASSERT_STREQ(out.servers[0], "8.8.8.8", "first fallback");
	ASSERT_STREQ(out.servers[1], "8.8.4.4", "second fallback");
	ASSERT_EQ(out.n_search, 2, "the node's search domains kept");
	ASSERT_STREQ(out.search[1], "b.test", "second search domain");
	ASSERT_STREQ(out.options[0], "edns0", "the node's options kept");
	write_file("run/systemd/resolve/resolv.conf", "nameserver 198.51.100.53\n");
	ASSERT_EQ(dns_for_container(&p, &net, &out), 1, "with resolved's upstream list");
	ASSERT_EQ(out.n_servers, 1, "resolved's one upstream server");
	ASSERT_STREQ(out.servers[0], "198.51.100.53", "resolved's upstream server");
	unroot();
}

TEST(dns_search_alone_gets_the_node_servers)
{
	struct net_dns net = { .n_search = 1, .search = { "net.test" } }, out;
	struct paths p;

	if (!root(&p))
		return;
	write_file("etc/resolv.conf",
		   "nameserver 192.0.2.1\nnameserver 127.0.0.1\nsearch node.test\n");
	ASSERT_EQ(dns_for_container(&p, &net, &out), 1, "--dns-search alone: a file");
	ASSERT_EQ(out.n_servers, 1, "the node's reachable server only");
	ASSERT_STREQ(out.servers[0], "192.0.2.1", "the node's server");
	ASSERT_EQ(out.n_search, 1, "the network's search replaces the node's");
	ASSERT_STREQ(out.search[0], "net.test", "the network's search domain");
	net.n_servers = 1;
	strcpy(net.servers[0], "10.40.0.1");
	ASSERT_EQ(dns_for_container(&p, &net, &out), 1, "--dns: the network's");
	ASSERT_STREQ(out.servers[0], "10.40.0.1", "the network's server");
	unroot();
}
