/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * CNI errors: the spec's codes and bpfbr's own (100+), and the one error a
 * plugin run reports. The first message recorded is the summary ("msg");
 * later ones, often the lower layers' explanations, go to "details".
 */
#ifndef BPFBR_CNI_ERR_H
#define BPFBR_CNI_ERR_H

#include <jansson.h>

enum cni_code {
	CNI_ERR_VERSION = 1,	    /* incompatible CNI version */
	CNI_ERR_UNSUPPORTED = 2,    /* unsupported field in the network config */
	CNI_ERR_NO_CONTAINER = 3,   /* the container (its namespace) does not exist */
	CNI_ERR_ENV = 4,	    /* missing or invalid CNI_* variables */
	CNI_ERR_IO = 5,		    /* cannot read the config */
	CNI_ERR_DECODE = 6,	    /* the config is not JSON */
	CNI_ERR_CONFIG = 7,	    /* invalid network config */
	CNI_ERR_TRY_AGAIN = 11,	    /* transient: the runtime should retry */
	CNI_ERR_NOT_AVAILABLE = 50, /* STATUS: cannot serve ADD */
	CNI_ERR_LIMITED = 51,	    /* STATUS: and containers may have lost connectivity */
	CNI_ERR_SYSTEM = 100,	    /* the kernel, bpffs or the state refused */
	CNI_ERR_CONFLICT = 101,	    /* the config disagrees with the existing network */
	CNI_ERR_NO_ADDRESS = 102,   /* no free address left in the range */
	CNI_ERR_ADDRESS = 103,	    /* the requested address or MAC cannot be used */
	CNI_ERR_EXISTS = 104,	    /* already attached, or the interface exists */
	CNI_ERR_CHECK = 105,	    /* CHECK found the attachment not as ADD made it */
	CNI_ERR_DELEGATE = 106,	    /* the IPAM plugin failed without a CNI error */
};

#define CNI_MSG_LEN	512
#define CNI_DETAILS_LEN 2048

struct cni_err {
	int code; /* 0: not decided yet */
	char msg[CNI_MSG_LEN];
	char details[CNI_DETAILS_LEN];
};

/* Records a message: the first becomes msg, later ones are added to details. */
void cni_err_note(struct cni_err *e, const char *text);
/* Records code (unless one is already set) and a message; returns -EINVAL. */
int cni_fail(struct cni_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets code unless one is set; fills msg from err if nothing was recorded. */
void cni_err_finish(struct cni_err *e, int code, int err);
/* {"cniVersion", "code", "msg"[, "details"]} */
json_t *cni_err_json(const struct cni_err *e, const char *version);

#endif
