/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Pinning a skeleton's maps and programs under one bpffs directory, and
 * opening them again from there. A table of pin specs names each object,
 * its pin file, and where its fd goes in the caller's struct of fds.
 */
#ifndef BPFBR_PINS_H
#define BPFBR_PINS_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_object;

struct pin_spec {
	const char *pin;  /* file name under the directory */
	const char *name; /* map or program name in the object */
	bool prog;
	size_t fd_off; /* offset of the int fd in the caller's struct */
	/* A map that only the programs use, added by a later build: a datapath
	 * pinned by an older one lacks it until `bpfbr upgrade` creates it, and
	 * pins_open() leaves its fd -1 instead of failing. */
	bool added;
};

/* Before load: every map of the table gets its pin path (libbpf pins at load). */
int pins_prepare(struct bpf_object *obj, const char *dir, const struct pin_spec *specs, size_t n);
/* After load: pins the programs of the table. */
int pins_programs(struct bpf_object *obj, const char *dir, const struct pin_spec *specs, size_t n);
/* Before load: every map of the table is the one pinned under dir, as it is
 * (libbpf 1.1's compatibility check refuses devmaps, whose flags the kernel
 * extends; the verifier still checks the programs against the real maps).
 * A map without a pin (new in this build) is created and pinned at load. */
int pins_reuse_maps(struct bpf_object *obj, const char *dir, const struct pin_spec *specs,
		    size_t n);
/*
 * Replacing the programs of a table, in two steps so that an interrupted
 * upgrade can be finished or undone: after load, each new program is pinned
 * beside its pin (pin_staged, pin_layout.h); then the staged pins are renamed
 * over the pins, each atomically. Dropping the staged pins undoes the first step.
 */
int pins_stage_programs(struct bpf_object *obj, const char *dir, const struct pin_spec *specs,
			size_t n);
/* Renames every staged pin over its pin; a program without one keeps its pin. */
int pins_commit_staged(const char *dir, const struct pin_spec *specs, size_t n);
/* Removes the staged pins; returns how many there were. */
int pins_drop_staged(const char *dir, const struct pin_spec *specs, size_t n);
/* After an upgrade: removes the pins under dir of maps an older build had
 * and this one replaced (a new layout gets a new pin name); absent ones are fine. */
int pins_retire(const char *dir, const char *const *names, size_t n);
/* Opens every pin of the table into the fds of base (a missing `added` one:
 * fd -1); all fds -1 on failure. */
int pins_open(const char *dir, const struct pin_spec *specs, size_t n, void *base);
void pins_close(const struct pin_spec *specs, size_t n, void *base);
/* Removes every pin under dir, subdirectories included, and dir itself. */
int pins_remove(const char *dir);

#endif
