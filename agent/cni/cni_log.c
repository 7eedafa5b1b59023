// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni_log.h"
#include "jsonutil.h"

/* The variables a runtime sets, under the names they have in the line. */
static const char *const vars[][2] = {
	{ "command", "CNI_COMMAND" }, { "containerID", "CNI_CONTAINERID" },
	{ "netns", "CNI_NETNS" },     { "ifname", "CNI_IFNAME" },
	{ "args", "CNI_ARGS" },	      { "path", "CNI_PATH" },
};

const char *cni_log_file(json_t *conf)
{
	json_t *v = json_object_get(conf, "logFile");
	const char *path = json_string_value(v);

	return path && path[0] == '/' && strlen(path) == json_string_length(v) ? path : NULL;
}

/* A string member of the config, or JSON null. */
static json_t *conf_str(json_t *conf, const char *key)
{
	json_t *v = json_object_get(conf, key);

	return json_is_string(v) ? json_incref(v) : json_null();
}

json_t *cni_log_line(json_t *conf, const struct timespec *start, const struct timespec *end,
		     const struct cni_err *e)
{
	char stamp[64], frac[24];
	struct tm tm;
	json_t *line;

	if (!cni_log_file(conf) || !gmtime_r(&start->tv_sec, &tm))
		return NULL;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%06ldZ", (start->tv_nsec / 1000) % 1000000);
	strcat(stamp, frac);
	line = json_pack("{s:s, s:I}", "time", stamp, "ms",
			 (json_int_t)(((end->tv_sec - start->tv_sec) * 1000000000LL + end->tv_nsec -
				       start->tv_nsec) /
				      1000000));
	/* As the runtime set them: an unset variable is left out, an empty one is "". */
	for (size_t i = 0; line && i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i][1]);

		if (v && json_object_set_new(line, vars[i][0], json_string(v)))
			json_object_set_new(line, vars[i][0], json_string("(not UTF-8)"));
	}
	if (line && (json_object_set_new(line, "network", conf_str(conf, "name")) ||
		     json_object_set_new(line, "cniVersion", conf_str(conf, "cniVersion")) ||
		     json_object_set_new(line, "code", json_integer(e ? e->code : 0)) ||
		     (e && json_object_set_new(line, "msg", json_string(e->msg))))) {
		json_decref(line);
		line = NULL;
	}
	return line;
}

/* Appends text in one write: O_APPEND keeps concurrent calls' lines whole. */
static int append(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

void cni_log_call(const char *raw, size_t len, const struct timespec *start,
		  const struct cni_err *e)
{
	char jerr[JERR_LEN], *text = NULL, *grown;
	struct timespec end;
	json_t *conf, *line;
	int err = -ENOMEM;

	conf = raw ? json_parse_strict(raw, len, jerr) : NULL;
	clock_gettime(CLOCK_REALTIME, &end);
	line = cni_log_line(conf, start, &end, e);
	if (!line)
		goto out;
	text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	grown = text ? realloc(text, strlen(text) + 2) : NULL;
	if (grown) {
		text = strcat(grown, "\n");
		err = append(cni_log_file(conf), text);
	}
	if (err)
		fprintf(stderr,
			"bpfbr: cannot append to logFile %s: %s; the call itself was not "
			"affected; check that the directory exists and is writable\n",
			cni_log_file(conf), strerror(-err));
out:
	free(text);
	json_decref(line);
	json_decref(conf);
}
