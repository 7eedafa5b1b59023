// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "pcapng.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u

#define OPT_END	       0
#define OPT_COMMENT    1
#define OPT_IF_NAME    2
#define OPT_IF_TSRESOL 9

#define LINKTYPE_ETHERNET 1
#define SNAPLEN		  65535

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

/* Block bodies are assembled here; the largest is an EPB of a captured
 * frame (bounded by the monitor's capture) with its comment. */
struct buf {
	uint8_t b[4096];
	size_t n;
	int err;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->err || b->n + pad4(n) > sizeof(b->b)) {
		b->err = -EMSGSIZE;
		return;
	}
	memcpy(b->b + b->n, p, n);
	memset(b->b + b->n + n, 0, pad4(n) - n);
	b->n += pad4(n);
}

static void put32(struct buf *b, uint32_t v)
{
	put(b, &v, 4);
}

static void put_opt(struct buf *b, uint16_t code, const void *p, size_t len)
{
	uint16_t h[2] = { code, (uint16_t)len };

	put(b, h, 4);
	if (len)
		put(b, p, len);
}

/* Writes type, length, body, length. */
static int block(struct pcapng *w, uint32_t type, const struct buf *body)
{
	uint32_t total = (uint32_t)(body->n + 12);

	if (body->err)
		return body->err;
	if (fwrite(&type, 4, 1, w->f) != 1 || fwrite(&total, 4, 1, w->f) != 1 ||
	    fwrite(body->b, 1, body->n, w->f) != body->n || fwrite(&total, 4, 1, w->f) != 1)
		return -EIO;
	return 0;
}

int pcapng_open(struct pcapng *w, const char *path)
{
	struct buf b = { .n = 0 };
	uint16_t version[2] = { 1, 0 };
	int64_t section_len = -1;
	int fd, err;

	memset(w, 0, sizeof(*w));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	w->f = fdopen(fd, "wb");
	if (!w->f) {
		err = -errno;
		close(fd);
		return err;
	}
	put32(&b, 0x1A2B3C4Du); /* byte-order magic */
	put(&b, version, 4);
	put(&b, &section_len, 8);
	err = block(w, BT_SHB, &b);
	if (!err && fflush(w->f))
		err = -errno;
	if (err) {
		fclose(w->f);
		w->f = NULL;
	}
	return err;
}

/* The interface id of ifindex, described in an IDB the first time. */
static int iface_id(struct pcapng *w, uint32_t ifindex, const char *ifname, uint32_t *id)
{
	struct buf b = { .n = 0 };
	uint16_t hdr[2] = { LINKTYPE_ETHERNET, 0 };
	uint8_t tsresol = 9; /* 10^-9 s */
	int err;

	for (uint32_t i = 0; i < w->n_ifaces; i++) {
		if (w->ifindex[i] == ifindex) {
			*id = i;
			return 0;
		}
	}
	if (w->n_ifaces == PCAPNG_MAX_IFACES)
		return -ENOSPC;
	put(&b, hdr, 4);
	put32(&b, SNAPLEN);
	if (ifname && *ifname)
		put_opt(&b, OPT_IF_NAME, ifname, strlen(ifname));
	put_opt(&b, OPT_IF_TSRESOL, &tsresol, 1);
	put_opt(&b, OPT_END, NULL, 0);
	err = block(w, BT_IDB, &b);
	if (err)
		return err;
	w->ifindex[w->n_ifaces] = ifindex;
	*id = w->n_ifaces++;
	return 0;
}

int pcapng_packet(struct pcapng *w, uint32_t ifindex, const char *ifname, uint64_t time_ns,
		  const uint8_t *data, uint32_t cap_len, uint32_t len, const char *comment)
{
	struct buf b = { .n = 0 };
	size_t clen = comment ? strlen(comment) : 0;
	uint32_t id;
	int err;

	if (clen > 1024)
		clen = 1024;
	if (opt_size(clen) + pad4(cap_len) + 20 + 4 > sizeof(b.b))
		return -EMSGSIZE;
	err = iface_id(w, ifindex, ifname, &id);
	if (err)
		return err;
	put32(&b, id);
	put32(&b, (uint32_t)(time_ns >> 32));
	put32(&b, (uint32_t)time_ns);
	put32(&b, cap_len);
	put32(&b, len);
	put(&b, data, cap_len);
	if (clen)
		put_opt(&b, OPT_COMMENT, comment, clen);
	put_opt(&b, OPT_END, NULL, 0);
	err = block(w, BT_EPB, &b);
	if (!err && fflush(w->f))
		err = -errno;
	return err;
}

int pcapng_close(struct pcapng *w)
{
	int err = 0;

	if (w->f && fclose(w->f))
		err = -errno;
	w->f = NULL;
	return err;
}
