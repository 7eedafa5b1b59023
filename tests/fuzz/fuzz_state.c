// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: the network state loader (agent/core/state.c). The input is
 * the content of a state file, written to a private root (under /dev/shm) and
 * loaded with state_load(), the way every bpfbr command reads a network.
 *
 * Besides the sanitizers' findings, it aborts when:
 *   - a refused file is not refused as corrupt (-EUCLEAN), or is refused
 *     without one error message that names the file, or leaves memory behind;
 *   - an accepted file holds what the loader promises never to hand on: a
 *     string without its end, an invalid interface name, a slot outside
 *     1..1023, a prefix over 32, an unknown attach mode, too many of a list;
 *   - an accepted file, saved again, does not load back to the same state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bpfbr/limits.h"
#include "libfuzzer.h"
#include "log.h"
#include "state.h"

static struct paths p;
static char root[64], file[PATH_MAX + 32];
static char last_error[1100];
static int errors;

static void remove_root(void)
{
	unlink(file);
	for (int i = 0; i < 5; i++) {
		char *slash;

		rmdir(file);
		slash = strrchr(file, '/');
		if (!slash || slash - file <= (long)strlen(root))
			break;
		*slash = '\0';
	}
	rmdir(root);
}

static void __attribute__((noreturn)) broken(const char *what)
{
	fprintf(stderr, "fuzz_state: %s\n", what);
	remove_root(); /* abort() runs no atexit handler */
	abort();
}

static void keep_error(const char *msg)
{
	snprintf(last_error, sizeof(last_error), "%s", msg);
	errors++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX + 16];

	(void)argc;
	(void)argv;
	/* tmpfs where there is one: the loader's round trip saves with fsync. */
	snprintf(root, sizeof(root), "%s/bpfbr-fuzz-state.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(root) || paths_init(&p, root))
		broken("cannot make a private root under /dev/shm or /tmp");
	snprintf(dir, sizeof(dir), "%s/networks", p.state);
	if (mkdir_p(dir, 0700))
		broken("cannot make the state directory");
	snprintf(file, sizeof(file), "%s/fz.json", dir);
	atexit(remove_root);
	log_set_err_hook(keep_error);
	return 0;
}

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static bool strings_ok(const void *v, size_t stride, uint32_t n, uint32_t max)
{
	if (n > max)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!terminated((const char *)v + i * stride, stride))
			return false;
	return true;
}

/* What the loader promises about a state it accepts. */
static void check_accepted(const struct netstate *state)
{
	const struct net_dns *d = &state->dns;

	if (strcmp(state->name, "fz"))
		broken("accepted a file that describes another network");
	if (!valid_ifname(state->gw_dev) || !valid_ifname(state->gw_port))
		broken("accepted an invalid gateway device name");
	if (!terminated(state->uplink, sizeof(state->uplink)) ||
	    (state->masquerade && !valid_ifname(state->uplink)))
		broken("accepted an invalid uplink name");
	if (state->subnet.prefix > 32 || (state->mode != ATTACH_TCX && state->mode != ATTACH_TC))
		broken("accepted a prefix over 32 or an unknown attach mode");
	if (state->mtu > 65535 || state->index > 9999)
		broken("accepted an MTU over 65535 or a network index over 9999");
	if (!strings_ok(d->servers, sizeof(d->servers[0]), d->n_servers, DNS_MAX_SERVERS) ||
	    !strings_ok(d->search, sizeof(d->search[0]), d->n_search, DNS_MAX_SEARCH) ||
	    !strings_ok(d->options, sizeof(d->options[0]), d->n_options, DNS_MAX_OPTIONS) ||
	    !terminated(d->domain, sizeof(d->domain)))
		broken("accepted DNS settings that overflow");
	if (state->n_att >= BPFBR_MAX_PORTS - 1 || (state->n_att && !state->att))
		broken("accepted more attachments than ports");
	for (uint32_t i = 0; i < state->n_att; i++) {
		const struct attachment *a = &state->att[i];

		if (a->slot < 1 || a->slot >= BPFBR_MAX_PORTS)
			broken("accepted an attachment outside slots 1..1023");
		if (!valid_ifname(a->ifname) || !valid_ifname(a->host_ifname))
			broken("accepted an attachment with an invalid interface name");
		if (!terminated(a->id, sizeof(a->id)) || !terminated(a->netns, sizeof(a->netns)))
			broken("accepted an attachment with an unterminated string");
	}
}

/* Saved again, an accepted state loads back to itself. */
static void check_round_trip(const struct netstate *state)
{
	struct netstate again, a = *state, b;

	if (state_save(&p, state))
		broken("cannot save an accepted state");
	if (state_load(&p, "fz", &again))
		broken("a saved state does not load");
	b = again;
	a.att = b.att = NULL;
	if (memcmp(&a, &b, sizeof(a)) ||
	    (state->n_att && memcmp(state->att, again.att, state->n_att * sizeof(*state->att))))
		broken("a saved state loads back different");
	netstate_free(&again);
}

/*
 * Inputs that start with '#' are edits of a valid file rather than a file:
 * each 3 bytes pick a field (attachments' ones included), a boundary value
 * and a variant of it, so that every field meets the values its checks are
 * about (byte-level mutation of JSON text rarely turns a 1 into a 1024).
 */
static const char valid[] =
	"{\"version\": 1, \"name\": \"fz\", \"index\": 3, \"subnet\": \"10.40.0.0/24\","
	" \"gateway\": \"10.40.0.1\", \"mtu\": 1500, \"ageing_s\": 300, \"spoofchk\": true,"
	" \"hairpin\": false, \"gateway_dev\": \"bpfbr3\", \"gateway_dev_ifindex\": 7,"
	" \"gateway_port\": \"bpfbr3-sw\", \"gateway_port_ifindex\": 6,"
	" \"gateway_mac\": \"02:00:00:00:00:01\", \"attach_mode\": \"tcx\","
	" \"node_netns_id\": 4026531840, \"uplink\": \"up0\", \"masquerade\": true,"
	" \"nat_share\": 16, \"datapath\": \"xdp\", \"range_start\": \"10.40.0.10\","
	" \"range_end\": \"10.40.0.20\", \"last_ip\": \"10.40.0.11\","
	" \"dns\": {\"nameservers\": [\"10.40.0.1\"], \"domain\": \"example.org\","
	" \"search\": [\"example.org\"], \"options\": [\"ndots:2\"]},"
	" \"attachments\": [{\"id\": \"/run/netns/c1\", \"ifname\": \"eth0\","
	" \"netns\": \"/run/netns/c1\", \"netns_id\": 4026532000,"
	" \"host_ifname\": \"veth0a1b2c3d\", \"host_ifindex\": 9,"
	" \"mac\": \"02:00:0a:28:00:0b\", \"ip\": \"10.40.0.11\", \"slot\": 1,"
	" \"created_netns\": true, \"cni\": false}]}";

static json_t *boundary(uint8_t kind, uint8_t v)
{
	static const long long ints[] = {
		0,     1,     -1,	  68,	      1023,	  1024,	      9999,	10000,
		65535, 65536, 2147483647, 2147483648, 4294967295, 4294967296, 1LL << 62
	};
	static const char *const strs[] = { "",
					    "x",
					    "..",
					    "../x",
					    "a/b",
					    "eth 0",
					    "0123456789abcdef",
					    "0123456789abcde",
					    "10.40.0.0/33",
					    "10.40.0.0/0",
					    "10.40.0.255",
					    "255.255.255.255",
					    "0.0.0.0",
					    "ff:ff:ff:ff:ff:ff",
					    "02:00:00:00:00:01",
					    "tc",
					    "tcx",
					    "auto",
					    "xdp",
					    "fz" };
	char big[5000];

	switch (kind % 6) {
	case 0:
		return json_integer(ints[v % (sizeof(ints) / sizeof(ints[0]))]);
	case 1:
		return json_string(strs[v % (sizeof(strs) / sizeof(strs[0]))]);
	case 2:
		return v & 1 ? json_true() : json_null();
	case 3:
		return v & 1 ? json_array() : json_object();
	case 4:
		return json_real(v / 4.0);
	default:
		memset(big, 'a' + v % 26, sizeof(big) - 1);
		big[(size_t)v * 19 % (sizeof(big) - 1)] = '\0';
		return json_stringn(big, sizeof(big) - 1); /* long, or with a NUL inside */
	}
}

/* The edited document's text (to free), or NULL. */
static char *edited(const uint8_t *data, size_t size)
{
	json_t *doc = json_loads(valid, 0, NULL), *att, *copy;
	char *text;

	if (!doc)
		broken("the built-in state file does not parse");
	att = json_array_get(json_object_get(doc, "attachments"), 0);
	for (size_t i = 1; i + 3 <= size; i += 3) {
		json_t *target = data[i] & 0x80 ? att : doc;
		const char *key;
		void *it;
		size_t n = json_object_size(target), k = (data[i] & 0x7f) % (n + 2);

		if (k == n + 1 && target == att) { /* a second attachment */
			copy = json_deep_copy(att);
			json_array_append_new(json_object_get(doc, "attachments"), copy);
			continue;
		}
		if (k == n) { /* an unknown key */
			json_object_set_new(target, "extra", boundary(data[i + 1], data[i + 2]));
			continue;
		}
		it = json_object_iter(target);
		while (k--)
			it = json_object_iter_next(target, it);
		key = json_object_iter_key(it);
		if ((data[i + 1] & 0xc0) == 0xc0)
			json_object_del(target, key);
		else
			json_object_set_new(target, key, boundary(data[i + 1], data[i + 2]));
	}
	text = json_dumps(doc, JSON_SORT_KEYS);
	json_decref(doc);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	struct netstate state;
	int fd, rc;

	if (size && data[0] == '#') {
		text = edited(data, size);
		if (!text)
			return 0;
		data = (const uint8_t *)text;
		size = strlen(text);
	}
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd))
		broken("cannot write the state file");
	free(text);
	errors = 0;
	last_error[0] = '\0';
	rc = state_load(&p, "fz", &state);
	if (rc) {
		if (rc != -EUCLEAN)
			broken("a file that exists was refused other than as corrupt");
		if (errors != 1 || !strstr(last_error, file))
			broken("a corrupt file was refused without a message naming it");
		if (state.att || state.n_att)
			broken("a refused file left attachments behind");
		return 0;
	}
	if (errors)
		broken("an accepted file printed an error");
	check_accepted(&state);
	check_round_trip(&state);
	netstate_free(&state);
	return 0;
}
