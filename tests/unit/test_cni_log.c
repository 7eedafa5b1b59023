// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The CNI call log (agent/cni/cni_log.c): the "logFile" key and the line per call. */
#include <stdlib.h>
#include <unistd.h>

#include "cni_conf.h"
#include "cni_log.h"
#include "harness.h"

static json_t *doc(const char *text)
{
	return json_loads(text, 0, NULL);
}

TEST(cni_log_file_key)
{
	const char *bad[] = { "\"cni.log\"", "\"\"", "1", "null", "[\"/x\"]" };
	char text[256];
	struct cni_conf c;
	struct cni_err e = { 0 };
	json_t *d;

	d = doc("{\"logFile\": \"/var/log/cni.log\"}");
	ASSERT_STREQ(cni_log_file(d), "/var/log/cni.log", "absolute path");
	json_decref(d);
	d = doc("{\"name\": \"n\"}");
	ASSERT_TRUE(cni_log_file(d) == NULL, "no key, no log");
	json_decref(d);
	ASSERT_TRUE(cni_log_file(NULL) == NULL, "no config, no log");

	snprintf(text, sizeof(text),
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
		 "\"subnet\": \"10.40.0.0/24\", \"logFile\": \"/tmp/x.log\"}");
	ASSERT_OK(cni_conf_parse(text, strlen(text), true, &c, &e), e.msg);
	cni_conf_free(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		snprintf(text, sizeof(text),
			 "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"bpfbr\", "
			 "\"subnet\": \"10.40.0.0/24\", \"logFile\": %s}",
			 bad[i]);
		ASSERT_TRUE(cni_conf_parse(text, strlen(text), true, &c, &e) != 0, text);
		ASSERT_EQ(e.code, CNI_ERR_CONFIG, text);
		ASSERT_TRUE(strstr(e.msg, "\"logFile\" must be an absolute path") != NULL, e.msg);
		cni_conf_free(&c);
	}
}

TEST(cni_log_line)
{
	struct timespec start = { 1700000000, 123456789 }, end = { 1700000001, 100000000 };
	struct cni_err e = { .code = CNI_ERR_ENV, .msg = "required env variables missing" };
	json_t *conf, *line;
	char *s = NULL;

	conf = doc("{\"cniVersion\": \"1.0.0\", \"name\": \"podnet\", \"logFile\": \"/l\"}");
	setenv("CNI_COMMAND", "DEL", 1);
	setenv("CNI_CONTAINERID", "", 1);
	unsetenv("CNI_NETNS");
	setenv("CNI_IFNAME", "eth0", 1);
	setenv("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=a", 1);
	unsetenv("CNI_PATH");
	line = cni_log_line(conf, &start, &end, NULL);
	if (!ASSERT_TRUE(line != NULL, "a line"))
		goto out;
	s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	/* Unset variables are left out; an empty one is kept as "". */
	ASSERT_STREQ(s,
		     "{\"time\":\"2023-11-14T22:13:20.123456Z\",\"ms\":976,\"command\":\"DEL\","
		     "\"containerID\":\"\",\"ifname\":\"eth0\","
		     "\"args\":\"IgnoreUnknown=1;K8S_POD_NAME=a\",\"network\":\"podnet\","
		     "\"cniVersion\":\"1.0.0\",\"code\":0}",
		     "a successful call");
	free(s);
	json_decref(line);

	line = cni_log_line(conf, &start, &end, &e);
	s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ASSERT_TRUE(s && strstr(s, "\"code\":4,\"msg\":\"required env variables missing\"}"),
		    s ? s : "no line");
	json_decref(line);
	json_decref(conf);

	conf = doc("{\"cniVersion\": 1, \"logFile\": \"/l\"}");
	line = cni_log_line(conf, &start, &end, NULL);
	ASSERT_TRUE(line && json_is_null(json_object_get(line, "network")) &&
			    json_is_null(json_object_get(line, "cniVersion")),
		    "no name, a version that is not a string: null");
	json_decref(line);
	json_decref(conf);

	conf = doc("{\"cniVersion\": \"1.0.0\", \"name\": \"podnet\"}");
	ASSERT_TRUE(cni_log_line(conf, &start, &end, NULL) == NULL, "no logFile: no line");
out:
	free(s);
	json_decref(conf);
	unsetenv("CNI_COMMAND");
	unsetenv("CNI_CONTAINERID");
	unsetenv("CNI_IFNAME");
	unsetenv("CNI_ARGS");
}

/* Two calls append two whole lines; a log that cannot be written changes nothing. */
TEST(cni_log_call_appends)
{
	char dir[] = "/tmp/bpfbr-unit.XXXXXX", path[64], text[256], got[1024];
	struct timespec start;
	FILE *f;
	size_t n = 0;

	if (!ASSERT_TRUE(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	snprintf(path, sizeof(path), "%s/cni.log", dir);
	snprintf(text, sizeof(text),
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"logFile\": \"%s\"}", path);
	setenv("CNI_COMMAND", "ADD", 1);
	clock_gettime(CLOCK_REALTIME, &start);
	cni_log_call(text, strlen(text), &start, NULL);
	cni_log_call(text, strlen(text), &start, NULL);
	cni_log_call("not json", 8, &start, NULL);
	cni_log_call(NULL, 0, &start, NULL);
	f = fopen(path, "r");
	if (ASSERT_TRUE(f != NULL, path)) {
		n = fread(got, 1, sizeof(got) - 1, f);
		got[n] = '\0';
		fclose(f);
	}
	ASSERT_TRUE(n > 0 && got[n - 1] == '\n' && strchr(got, '\n') != got + n - 1 &&
			    strchr(strchr(got, '\n') + 1, '\n') == got + n - 1,
		    got);
	ASSERT_TRUE(strstr(got, "\"command\":\"ADD\"") != NULL, got);

	/* A directory that does not exist: a warning on stderr, nothing else. */
	snprintf(text, sizeof(text),
		 "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"logFile\": \"%s/no/cni.log\"}",
		 dir);
	cni_log_call(text, strlen(text), &start, NULL);
	unlink(path);
	ASSERT_OK(rmdir(dir) ? -errno : 0, "only cni.log was written");
	unsetenv("CNI_COMMAND");
}
