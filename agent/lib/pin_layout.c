// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "pin_layout.h"

#define XDP_SUFFIX "_xdp"

static const char *const uplink_links[] = {
	[UPLINK_LINK_EGRESS] = "egress",
	[UPLINK_LINK_INGRESS] = "ingress",
	[UPLINK_LINK_XDP] = "xdp",
	[UPLINK_LINK_TUNNEL_IN] = "tunnel_in",
	[UPLINK_LINK_TUNNEL_OUT] = "tunnel_out",
};

int pin_subnets(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->pins, PIN_SUBNETS_NAME);
}

int pin_tunnel_nodes(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->pins, PIN_TUNNEL_NODES_NAME);
}

int pin_node_stats(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->pins, PIN_NODE_STATS_NAME);
}

int pin_inbound_replies(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->pins, PIN_INBOUND_REPLIES_NAME);
}

int pin_net_dir(const struct paths *p, const char *net, char *buf, size_t size)
{
	return path_join(buf, size, p->pins, net);
}

int pin_net_links_dir(const struct paths *p, const char *net, char *buf, size_t size)
{
	char dir[PATH_MAX];
	int err = pin_net_dir(p, net, dir, sizeof(dir));

	return err ?: path_join(buf, size, dir, PIN_LINKS_NAME);
}

int pin_port_link(const struct paths *p, const char *net, const char *ifname, char *buf,
		  size_t size)
{
	char links[PATH_MAX];
	int err = pin_net_links_dir(p, net, links, sizeof(links));

	return err ?: path_join(buf, size, links, ifname);
}

int pin_port_xdp(const struct paths *p, const char *net, const char *ifname, char *buf, size_t size)
{
	char name[IF_NAMESIZE + sizeof(XDP_SUFFIX)];
	int n = snprintf(name, sizeof(name), "%s" XDP_SUFFIX, ifname);

	if (n < 0 || (size_t)n >= sizeof(name))
		return -ENAMETOOLONG;
	return pin_port_link(p, net, name, buf, size);
}

int pin_link_port(const char *name, char *ifname, size_t size)
{
	size_t len = strlen(name), sfx = strlen(XDP_SUFFIX);

	/* An XDP link's pin is its device's name with "_xdp" appended once:
	 * only that last suffix goes (a device may have "_xdp" in its name). */
	if (len > sfx && !strcmp(name + len - sfx, XDP_SUFFIX))
		len -= sfx;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(ifname, name, len);
	ifname[len] = '\0';
	return 0;
}

bool pin_is_net_dir(const char *name)
{
	return name[0] != '.' && strcmp(name, PIN_UPLINKS_NAME) && strcmp(name, PIN_SUBNETS_NAME) &&
	       strcmp(name, PIN_TUNNEL_NODES_NAME) && strcmp(name, PIN_NODE_STATS_NAME) &&
	       strcmp(name, PIN_INBOUND_REPLIES_NAME);
}

int pin_uplinks_dir(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->pins, PIN_UPLINKS_NAME);
}

int pin_uplink_dir(const struct paths *p, const char *ifname, char *buf, size_t size)
{
	char dir[PATH_MAX];
	int err = pin_uplinks_dir(p, dir, sizeof(dir));

	return err ?: path_join(buf, size, dir, ifname);
}

int pin_uplink_links_dir(const struct paths *p, const char *ifname, char *buf, size_t size)
{
	char dir[PATH_MAX];
	int err = pin_uplink_dir(p, ifname, dir, sizeof(dir));

	return err ?: path_join(buf, size, dir, PIN_LINKS_NAME);
}

int pin_uplink_link(const struct paths *p, const char *ifname, enum uplink_link link, char *buf,
		    size_t size)
{
	char links[PATH_MAX];
	int err;

	if ((size_t)link >= sizeof(uplink_links) / sizeof(uplink_links[0]))
		return -EINVAL;
	err = pin_uplink_links_dir(p, ifname, links, sizeof(links));
	return err ?: path_join(buf, size, links, uplink_links[link]);
}

int pin_staged(const char *path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s" PIN_STAGED_SUFFIX, path);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

enum attach_mode pin_hook_mode(const char *link_pin)
{
	return pin_present(link_pin) ? ATTACH_TCX : ATTACH_TC;
}

bool pin_present(const char *path)
{
	return !access(path, F_OK);
}
