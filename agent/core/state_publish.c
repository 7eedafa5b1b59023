// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state_publish.h"

json_t *att_publish_to_json(const struct attachment *a, json_t *obj)
{
	char buf[PUBLISH_STR_LEN];
	json_t *arr;

	if (!obj || !a->n_pub)
		return obj;
	arr = json_array();
	for (uint32_t i = 0; arr && i < a->n_pub; i++)
		if (json_array_append_new(arr, json_string(publish_str(&a->pub[i], buf))))
			json_decref(arr), arr = NULL;
	if (!arr || json_object_set_new(obj, "publish", arr)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int att_publish_read(json_t *o, struct attachment *a, char err[JERR_LEN])
{
	json_t *arr = json_object_get(o, "publish"), *e;
	char why[PUBLISH_WHY_LEN];
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > PUBLISH_MAX) {
		snprintf(err, JERR_LEN, "\"publish\" is not an array of at most %d strings",
			 PUBLISH_MAX);
		return -EINVAL;
	}
	json_array_foreach (arr, i, e) {
		if (!json_is_string(e) || publish_parse(json_string_value(e), &a->pub[i], why)) {
			snprintf(err, JERR_LEN, "\"publish\" holds %s: %s",
				 json_is_string(e) ? json_string_value(e) : "a non-string",
				 json_is_string(e) ? why : "give strings such as \"8080:80/tcp\"");
			return -EINVAL;
		}
	}
	a->n_pub = (uint32_t)json_array_size(arr);
	return 0;
}

int net_publish_to_json(const struct netstate *state, json_t *root)
{
	if (!state->node_cgroup[0])
		return 0;
	return json_object_set_new(root, "node_cgroup", json_string(state->node_cgroup)) ? -ENOMEM
											 : 0;
}

int net_publish_read(json_t *o, struct netstate *state, char err[JERR_LEN])
{
	json_t *v = json_object_get(o, "node_cgroup");

	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_value(v)[0] != '/' ||
	    json_string_length(v) >= sizeof(state->node_cgroup)) {
		snprintf(err, JERR_LEN, "\"node_cgroup\" is not an absolute path under %zu bytes",
			 sizeof(state->node_cgroup));
		return -EINVAL;
	}
	strcpy(state->node_cgroup, json_string_value(v));
	return 0;
}
