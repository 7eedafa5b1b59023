// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cni_conf.h"
#include "cni_ipam.h"
#include "cni_result.h"
#include "jsonutil.h"

extern char **environ;

#define OUT_MAX (1 << 20)

/* The first executable file dir/type for an absolute dir of CNI_PATH. */
static int find_plugin(const struct cni_delegate *d, char *buf, size_t size, struct cni_err *e)
{
	const char *p = d->path;
	struct stat st;

	if (!p)
		return cni_fail(e, CNI_ERR_ENV,
				"required env variable [CNI_PATH] missing: it says where IPAM "
				"plugin \"%s\" is",
				d->type);
	while (*p) {
		size_t len = strcspn(p, ":");
		int n = snprintf(buf, size, "%.*s/%s", (int)len, p, d->type);

		if (*p == '/' && n > 0 && (size_t)n < size && !stat(buf, &st) &&
		    S_ISREG(st.st_mode) && !access(buf, X_OK))
			return 0;
		p += len + (p[len] == ':');
	}
	return cni_fail(e, CNI_ERR_CONFIG,
			"IPAM plugin \"%s\" is not in CNI_PATH (%.200s); install it there or fix "
			"\"ipam.type\"",
			d->type, d->path);
}

static bool replaced(const char *var, const char *id, const char *ifname)
{
	return !strncmp(var, "CNI_COMMAND=", 12) || (id && !strncmp(var, "CNI_CONTAINERID=", 16)) ||
	       (ifname && !strncmp(var, "CNI_IFNAME=", 11));
}

/* Our environment with CNI_COMMAND (and maybe the container) replaced. */
static char **child_env(const char *cmd, const char *id, const char *ifname, char *own[3])
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 4, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!replaced(environ[i], id, ifname))
			env[k++] = environ[i];
	if (asprintf(&own[0], "CNI_COMMAND=%s", cmd) < 0 ||
	    (id && asprintf(&own[1], "CNI_CONTAINERID=%s", id) < 0) ||
	    (ifname && asprintf(&own[2], "CNI_IFNAME=%s", ifname) < 0)) {
		free(env);
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		if (own[i])
			env[k++] = own[i];
	return env;
}

/* stdin: the config in a memory file, so the plugin may read it at its pace. */
static int config_fd(const struct cni_delegate *d)
{
	int fd = memfd_create("cni-config", MFD_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	if (write(fd, d->conf, d->conf_len) != (ssize_t)d->conf_len ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		err = errno ? -errno : -EIO;
		close(fd);
		return err;
	}
	return fd;
}

/* Starts the plugin; *out_fd reads its stdout. Returns the pid or -errno. */
static pid_t spawn(const char *exe, char **env, int in_fd, int *out_fd)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)exe, NULL };
	int pipefd[2], err;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	err = posix_spawn_file_actions_init(&fa);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (!err)
		err = posix_spawn(&pid, exe, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return -err;
	}
	*out_fd = pipefd[0];
	return pid;
}

/* Reads fd to its end; keeps the first OUT_MAX bytes. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 4096;
	char *buf = malloc(cap + 1), chunk[4096];
	ssize_t n;

	*len = 0;
	while (buf && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (*len + (size_t)n > OUT_MAX)
			continue; /* drained, not kept */
		if (*len + (size_t)n > cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		memcpy(buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* The plugin failed: its CNI error, code included, or what we saw. */
static int delegate_failed(const struct cni_delegate *d, int status, const char *out, size_t len,
			   struct cni_err *e)
{
	char jerr[JERR_LEN];
	json_t *v = json_parse_strict(out, len, jerr), *code = json_object_get(v, "code");
	const char *msg = json_string_value(json_object_get(v, "msg"));
	const char *details = json_string_value(json_object_get(v, "details"));
	int err;

	if (json_is_integer(code) && json_integer_value(code) > 0 && msg) {
		err = cni_fail(e, (int)json_integer_value(code), "IPAM plugin %s: %s%s%s", d->type,
			       msg, details && *details ? ": " : "", details ?: "");
	} else if (WIFSIGNALED(status)) {
		err = cni_fail(e, CNI_ERR_DELEGATE, "IPAM plugin %s was killed by signal %d",
			       d->type, WTERMSIG(status));
	} else {
		err = cni_fail(e, CNI_ERR_DELEGATE,
			       "IPAM plugin %s exited with status %d without a CNI error: %.200s",
			       d->type, WEXITSTATUS(status), out);
	}
	json_decref(v);
	return err;
}

/* What the plugin printed; ADD's result is checked and imported. */
static int delegate_result(const struct cni_delegate *d, const char *cmd, const char *out,
			   size_t len, json_t **result, struct cni_err *e)
{
	char jerr[JERR_LEN], what[96];
	json_t *v = json_parse_strict(out, len, jerr);
	int err = 0;

	if (!v)
		return cni_fail(e, CNI_ERR_DELEGATE, "IPAM plugin %s printed no JSON result: %s",
				d->type, jerr);
	snprintf(what, sizeof(what), "the result of IPAM plugin %s", d->type);
	if (!strcmp(cmd, "ADD"))
		err = cni_result_import(v, d->ver, what, e);
	if (err) {
		json_decref(v);
		return err;
	}
	*result = v;
	return 0;
}

static int run_failed(const struct cni_delegate *d, const char *exe, int err, struct cni_err *e)
{
	cni_fail(e, CNI_ERR_SYSTEM, "cannot run IPAM plugin %s (%s): %s", d->type, exe,
		 strerror(-err));
	return err;
}

int cni_ipam_run(const struct cni_delegate *d, const char *cmd, const char *id, const char *ifname,
		 json_t **result, struct cni_err *e)
{
	char exe[PATH_MAX], *own[3] = { NULL }, **env, *out;
	int in_fd, out_fd = -1, status, err;
	size_t len;
	pid_t pid;

	err = find_plugin(d, exe, sizeof(exe), e);
	if (err)
		return err;
	env = child_env(cmd, id, ifname, own);
	if (!env) {
		err = run_failed(d, exe, -ENOMEM, e);
		goto free_env;
	}
	in_fd = config_fd(d);
	if (in_fd < 0) {
		err = run_failed(d, exe, in_fd, e);
		goto free_env;
	}
	pid = spawn(exe, env, in_fd, &out_fd);
	close(in_fd);
	if (pid < 0) {
		err = run_failed(d, exe, pid, e);
		goto free_env;
	}
	out = read_all(out_fd, &len);
	close(out_fd);
	do
		err = waitpid(pid, &status, 0) < 0 ? -errno : 0;
	while (err == -EINTR);
	if (err || !out)
		err = run_failed(d, exe, err ?: -ENOMEM, e);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		err = delegate_failed(d, status, out, len, e);
	else if (result)
		err = delegate_result(d, cmd, out, len, result, e);
	free(out);
free_env:
	free(env);
	for (int i = 0; i < 3; i++)
		free(own[i]);
	return err;
}

int cni_ipam_speaks(const struct cni_delegate *d, enum cni_ver ver, struct cni_err *e)
{
	char in[64];
	struct cni_delegate q = *d;
	json_t *out = NULL, *v;
	int found = 0, err;
	size_t i;

	snprintf(in, sizeof(in), "{\"cniVersion\": \"%s\"}", cni_ver_name(ver));
	q.conf = in;
	q.conf_len = strlen(in);
	err = cni_ipam_run(&q, "VERSION", NULL, NULL, &out, e);
	if (err)
		return err;
	json_array_foreach (json_object_get(out, "supportedVersions"), i, v)
		found |= json_is_string(v) && !strcmp(json_string_value(v), cni_ver_name(ver));
	json_decref(out);
	return found;
}
