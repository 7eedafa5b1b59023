// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonutil.h"

static void jerr(char err[JERR_LEN], const json_error_t *e)
{
	snprintf(err, JERR_LEN, "line %d, column %d: %s", e->line, e->column, e->text);
}

json_t *json_parse_strict(const char *text, size_t len, char err[JERR_LEN])
{
	json_error_t e;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);

	if (!v)
		jerr(err, &e);
	return v;
}

json_t *json_load_file_strict(const char *path, char err[JERR_LEN])
{
	json_error_t e;
	json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &e);

	if (!v)
		jerr(err, &e);
	return v;
}

static json_t *jget(json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

int jget_str(json_t *obj, const char *key, char *buf, size_t size, char err[JERR_LEN])
{
	json_t *v = jget(obj, key);

	if (!v)
		return -ENOENT;
	if (!json_is_string(v)) {
		snprintf(err, JERR_LEN, "\"%s\" must be a string", key);
		return -EINVAL;
	}
	if (json_string_length(v) >= size ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(err, JERR_LEN, "\"%s\" is longer than %zu bytes or holds a NUL", key,
			 size - 1);
		return -EINVAL;
	}
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int jget_u64(json_t *obj, const char *key, uint64_t *out, char err[JERR_LEN])
{
	json_t *v = jget(obj, key);

	if (!v)
		return -ENOENT;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(err, JERR_LEN, "\"%s\" must be a non-negative integer", key);
		return -EINVAL;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int jget_u32(json_t *obj, const char *key, uint32_t max, uint32_t *out, char err[JERR_LEN])
{
	uint64_t v;
	int ret = jget_u64(obj, key, &v, err);

	if (ret)
		return ret;
	if (v > max) {
		snprintf(err, JERR_LEN, "\"%s\" must be at most %u", key, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int jget_bool(json_t *obj, const char *key, bool *out, char err[JERR_LEN])
{
	json_t *v = jget(obj, key);

	if (!v)
		return -ENOENT;
	if (!json_is_boolean(v)) {
		snprintf(err, JERR_LEN, "\"%s\" must be true or false", key);
		return -EINVAL;
	}
	*out = json_is_true(v);
	return 0;
}

int jcheck_keys(json_t *obj, const char *const *known, char err[JERR_LEN])
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(err, JERR_LEN, "expected a JSON object");
		return -EINVAL;
	}
	json_object_foreach (obj, key, v) {
		const char *const *k = known;

		while (*k && strcmp(*k, key))
			k++;
		if (!*k) {
			snprintf(err, JERR_LEN, "unknown key \"%s\"", key);
			return -EINVAL;
		}
	}
	return 0;
}

int json_write_file_atomic(json_t *v, const char *path)
{
	char tmp[4096], *text;
	int fd, err = 0;
	size_t len;
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	/* Rendered whole, then written at once (json_dumpfd writes token by token). */
	text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		free(text);
		return err;
	}
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		err = -EIO;
	free(text);
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
