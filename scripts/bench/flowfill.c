// SPDX-License-Identifier: MIT
/*
 * flowfill: open COUNT distinct UDP flows through a masquerading datapath, one
 * packet each, to pre-fill its translation table.
 *
 *   flowfill -s SRC -d DST [-p DPORT] [-l SPORT_LO] [-n COUNT] [-r PPS]
 *
 * Runs inside a container namespace and sends SRC:sport -> DST:DPORT for
 * sport = SPORT_LO .. SPORT_LO+COUNT-1 through a raw socket (IP_HDRINCL), so
 * no per-flow socket, bind or port reservation is needed. The packets take the
 * container's normal route (default via the gateway), so every flow creates a
 * real translation in whatever datapath sits there: a conntrack entry for
 * iptables MASQUERADE, a NAT map entry for bpfbr. That keeps the pre-fill
 * datapath-agnostic, which `conntrack -I` would not be.
 *
 * The UDP checksum is 0 ("none", valid for IPv4); the kernel fills in the IP
 * checksum, id and total length. -r paces the sender so the receiving
 * backlog never overflows (a dropped packet is a missing translation).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct pkt {
	struct iphdr ip;
	struct udphdr udp;
	char payload[18]; /* 14 + 20 + 8 + 18 = 60 B on the wire, the 64 B minimum with FCS */
} __attribute__((packed));

static void usage(void)
{
	fprintf(stderr, "usage: flowfill -s SRC -d DST [-p DPORT] [-l SPORT_LO] [-n COUNT] [-r PPS]\n");
	exit(2);
}

static void pace(long sent, long pps, const struct timespec *start)
{
	struct timespec now, nap;
	double due, elapsed;

	if (pps <= 0)
		return;
	due = (double)sent / pps;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
	if (due > elapsed) {
		nap.tv_sec = (time_t)(due - elapsed);
		nap.tv_nsec = (long)((due - elapsed - nap.tv_sec) * 1e9);
		nanosleep(&nap, NULL);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct pkt p = { 0 };
	struct timespec start;
	const char *src = NULL, *daddr = NULL;
	long dport = 9, lo = 10000, count = 50000, pps = 200000, sent = 0, errors = 0;
	int fd, opt, one = 1;

	while ((opt = getopt(argc, argv, "s:d:p:l:n:r:")) != -1) {
		switch (opt) {
		case 's':
			src = optarg;
			break;
		case 'd':
			daddr = optarg;
			break;
		case 'p':
			dport = strtol(optarg, NULL, 10);
			break;
		case 'l':
			lo = strtol(optarg, NULL, 10);
			break;
		case 'n':
			count = strtol(optarg, NULL, 10);
			break;
		case 'r':
			pps = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (!src || !daddr || inet_pton(AF_INET, src, &p.ip.saddr) != 1 ||
	    inet_pton(AF_INET, daddr, &dst.sin_addr) != 1 || dport <= 0 || dport > 65535 ||
	    lo <= 0 || count <= 0 || lo + count - 1 > 65535)
		usage();

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("flowfill: socket(SOCK_RAW)");
		return 1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("flowfill: IP_HDRINCL");
		return 1;
	}

	p.ip.version = 4;
	p.ip.ihl = 5;
	p.ip.ttl = 64;
	p.ip.protocol = IPPROTO_UDP;
	p.ip.daddr = dst.sin_addr.s_addr;
	p.udp.dest = htons(dport);
	p.udp.len = htons(sizeof(p.udp) + sizeof(p.payload));

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < count; i++) {
		p.udp.source = htons(lo + i);
		if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			/* ENOBUFS: the neighbour queue or qdisc is full; back off and retry once. */
			if (errno == ENOBUFS) {
				usleep(1000);
				if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&dst, sizeof(dst)) ==
				    (ssize_t)sizeof(p)) {
					sent++;
					continue;
				}
			}
			if (++errors == 1)
				fprintf(stderr, "flowfill: sendto: %s\n", strerror(errno));
			continue;
		}
		sent++;
		pace(sent, pps, &start);
	}
	close(fd);
	printf("sent=%ld errors=%ld\n", sent, errors);
	return errors ? 1 : 0;
}
