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
int state_load(const struct paths *p, const char *name, struct netstate *state);
int state_save(const struct paths *p, const struct netstate *state);
int state_remove(const struct paths *p, const char *name);

/* Whether network name has a state file (readable or not). */
bool state_exists(const struct paths *p, const char *name);

/* Names of every network, sorted; *names is freed with state_names_free. */
int state_list(const struct paths *p, char ***names, int *count);
void state_names_free(char **names, int count);

/*
 * fn(state, arg) for every network, in name order, its state loaded for the
 * call and freed after it. A network whose state cannot be read is passed
 * over (state_load has said why when the file is corrupt). A non-zero
 * return of fn stops the walk and is returned; so is -errno when the
 * networks cannot be listed.
 */
int state_foreach(const struct paths *p, int (*fn)(struct netstate *state, void *arg), void *arg);

/* Removes the half-written saves (NET.json.tmp) a killed command left, never
 * read; gone() hears of each. Returns how many, or -errno. */
int state_remove_scraps(const struct paths *p, void (*gone)(const char *net, void *arg), void *arg);

#endif
