// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cluster_store.h"
#include "log.h"

static int store_path(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->state, "cluster.json");
}

int cluster_load(const struct paths *p, struct cluster *cl)
{
	char path[PATH_MAX], err[JERR_LEN] = "";
	json_t *o;
	int ret;

	memset(cl, 0, sizeof(*cl));
	cl->vni = CLUSTER_VNI_DEFAULT;
	cl->port = CLUSTER_VXLAN_PORT;
	ret = store_path(p, path, sizeof(path));
	if (ret)
		return ret;
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	o = json_load_file_strict(path, err);
	if (!o) {
		pr_err("cannot read the cluster declaration %s: %s; fix or remove it", path, err);
		return -EINVAL;
	}
	ret = cluster_from_json(o, cl, err);
	json_decref(o);
	if (ret)
		pr_err("cluster declaration %s is not valid: %s; fix or remove it", path, err);
	return ret;
}

int cluster_save(const struct paths *p, const struct cluster *cl)
{
	char path[PATH_MAX], why[256];
	json_t *o;
	int err;

	if (cluster_check(cl, why, sizeof(why))) {
		pr_err("the cluster declaration would not hold: %s; change or remove that node",
		       why);
		return -EINVAL;
	}
	err = store_path(p, path, sizeof(path));
	if (!err)
		err = mkdir_p(p->state, 0700);
	if (err)
		return err;
	o = cluster_json(cl);
	err = o ? json_write_file_atomic(o, path) : -ENOMEM;
	json_decref(o);
	if (err)
		pr_err("cannot write the cluster declaration %s: %s", path, strerror(-err));
	return err;
}
