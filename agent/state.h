/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What bpfbr has built, on disk: one JSON file per network under
 * STATE/networks/, written atomically, read strictly (a corrupt file is
 * refused with its line and column, never half-trusted). One lock file
 * serialises every command that changes anything.
 */
#ifndef BPFBR_STATE_H
#define BPFBR_STATE_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "attach.h"
#include "parse.h"
#include "paths.h"

#define ATT_ID_MAX 1024

struct attachment {
	char id[ATT_ID_MAX];	  /* owner: CNI container ID, or the netns path for the CLI */
	char ifname[IF_NAMESIZE]; /* inside the container */
	char netns[PATH_MAX];	  /* namespace file it was attached in */
	uint64_t netns_id;	  /* that namespace's nsfs inode */
	char host_ifname[IF_NAMESIZE];
	int host_ifindex;
	uint8_t mac[6];
	uint32_t ip; /* network order */
	uint16_t slot;
	bool created_netns; /* bpfbr made the namespace, so detach removes it */
	bool cni;	    /* attached through the CNI plugin */
};

struct netstate {
	char name[NETNAME_MAX];
	uint32_t index; /* picks the gateway device names: bpfbrN, bpfbrN-sw */
	struct cidr subnet;
	uint32_t gateway;
	uint32_t mtu;
	uint32_t ageing_s;
	bool spoofchk;
	bool hairpin;
	char gw_dev[IF_NAMESIZE];  /* node side, holds the gateway address */
	char gw_port[IF_NAMESIZE]; /* switch side: port in slot 0 */
	int gw_dev_ifindex;
	int gw_port_ifindex;
	uint8_t gw_mac[6];
	enum attach_mode mode;
	uint64_t node_netns_id;	  /* the namespace the network was created in */
	char uplink[IF_NAMESIZE]; /* "" unless masquerading through an uplink */
	bool masquerade;
	uint32_t nat_share; /* flows one container may hold */
	uint32_t n_att;
	struct attachment *att;
};

/* Takes the global lock (blocking); returns the fd to pass to state_unlock. */
int state_lock(const struct paths *p);
void state_unlock(int fd);

/* -ENOENT if the network does not exist; -EUCLEAN (message printed) if corrupt. */
int state_load(const struct paths *p, const char *name, struct netstate *ns);
int state_save(const struct paths *p, const struct netstate *ns);
int state_remove(const struct paths *p, const char *name);
void netstate_free(struct netstate *ns);

/* Names of every network, sorted; *names is freed with state_names_free. */
int state_list(const struct paths *p, char ***names, int *count);
void state_names_free(char **names, int count);

struct attachment *netstate_add_att(struct netstate *ns);
void netstate_del_att(struct netstate *ns, struct attachment *a);

#endif
