/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What bpfbr has built, on disk: one JSON file per network under
 * STATE/networks/, written atomically, read strictly (a corrupt file is
 * refused with its line and column, never half-trusted). One lock file
 * serialises every command that changes anything.
 */
#ifndef BPFBR_STATE_H
#define BPFBR_STATE_H

#include "model.h"
#include "paths.h"

/* Takes the global lock (blocking); returns the fd to pass to state_unlock. */
int state_lock(const struct paths *p);
void state_unlock(int fd);

/* -ENOENT if the network does not exist; -EUCLEAN (message printed) if corrupt. */
int state_load(const struct paths *p, const char *name, struct netstate *ns);
int state_save(const struct paths *p, const struct netstate *ns);
int state_remove(const struct paths *p, const char *name);

/* Names of every network, sorted; *names is freed with state_names_free. */
int state_list(const struct paths *p, char ***names, int *count);
void state_names_free(char **names, int count);

/* Removes the half-written saves (NET.json.tmp) a killed command left, never
 * read; gone() hears of each. Returns how many, or -errno. */
int state_remove_scraps(const struct paths *p, void (*gone)(const char *net, void *arg), void *arg);

#endif
