/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Options given once per address family (layer: cli): --subnet and
 * --gateway of net create, --ip of attach. A value with ':' is IPv6.
 * 0, or after one message 2 (the command line is wrong: one family given
 * twice) or -EINVAL (a bad value).
 */
#ifndef BPFBR_CLI_DUAL_H
#define BPFBR_CLI_DUAL_H

#include "cli.h"
#include "network.h"

int cli_dual_net(struct cli *cli, struct net_opts *o);
int cli_dual_ip(struct cli *cli, struct attach_opts *o);

#endif
