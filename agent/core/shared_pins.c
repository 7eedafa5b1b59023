// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pin_layout.h"
#include "shared_pins.h"

void shared_pins_release(struct netctx *c)
{
	int (*const pins[])(const struct paths *, char *,
			    size_t) = { pin_tunnel_nodes, pin_node_stats, pin_inbound_replies };
	char pin[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(c->p.pins);
	bool nets = false;

	while (d && (de = readdir(d)) && !nets)
		nets = pin_is_net_dir(de->d_name);
	if (d)
		closedir(d);
	for (size_t i = 0; !nets && i < sizeof(pins) / sizeof(pins[0]); i++)
		if (!pins[i](&c->p, pin, sizeof(pin)) && unlink(pin) && errno != ENOENT)
			pr_warn("cannot remove %s: %s", pin, strerror(errno));
}
