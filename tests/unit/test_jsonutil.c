// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Strict JSON parsing (agent/lib/jsonutil.c). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "harness.h"
#include "jsonutil.h"

TEST(duplicate_keys_are_refused_with_position)
{
	const char *text = "{\n  \"a\": 1,\n  \"a\": 2\n}";
	char err[JERR_LEN] = "";
	json_t *v = json_parse_strict(text, strlen(text), err);

	ASSERT_TRUE(v == NULL, "duplicate key parsed");
	ASSERT_TRUE(strstr(err, "line 3") != NULL, err);
	ASSERT_TRUE(strstr(err, "duplicate") != NULL, err);
	json_decref(v);
}

TEST(syntax_error_has_line_and_column)
{
	const char *text = "{\"a\": [1, 2,, 3]}";
	char err[JERR_LEN] = "";
	json_t *v = json_parse_strict(text, strlen(text), err);

	ASSERT_TRUE(v == NULL, "bad JSON parsed");
	ASSERT_TRUE(strstr(err, "line 1, column 1") != NULL, err);
	json_decref(v);
}

TEST(typed_getters)
{
	const char *text = "{\"s\": \"x\", \"n\": 7, \"neg\": -1, \"b\": true, \"big\": 70000}";
	char err[JERR_LEN], buf[8];
	json_t *v = json_parse_strict(text, strlen(text), err);
	uint32_t u;
	bool b;

	if (!ASSERT_TRUE(v != NULL, "parse"))
		return;
	ASSERT_OK(jget_str(v, "s", buf, sizeof(buf), err), "string");
	ASSERT_STREQ(buf, "x", "string value");
	ASSERT_EQ(jget_str(v, "n", buf, sizeof(buf), err), -EINVAL, "number as string");
	ASSERT_TRUE(strstr(err, "\"n\" must be a string") != NULL, err);
	ASSERT_EQ(jget_str(v, "missing", buf, sizeof(buf), err), -ENOENT, "absent key");
	ASSERT_OK(jget_u32(v, "n", 10, &u, err), "u32");
	ASSERT_EQ(u, 7, "u32 value");
	ASSERT_EQ(jget_u32(v, "neg", 10, &u, err), -EINVAL, "negative");
	ASSERT_EQ(jget_u32(v, "big", 65535, &u, err), -EINVAL, "over the maximum");
	ASSERT_OK(jget_bool(v, "b", &b, err), "bool");
	ASSERT_TRUE(b, "bool value");
	ASSERT_EQ(jget_bool(v, "s", &b, err), -EINVAL, "string as bool");
	json_decref(v);
}

TEST(embedded_nul_is_refused)
{
	const char *text = "{\"s\": \"a\\u0000b\"}";
	char err[JERR_LEN] = "";
	json_t *v = json_parse_strict(text, strlen(text), err);

	ASSERT_TRUE(v == NULL, "a string with NUL parsed");
	json_decref(v);
}

TEST(unknown_keys)
{
	static const char *const known[] = { "a", "b", NULL };
	const char *text = "{\"a\": 1, \"c\": 2}";
	char err[JERR_LEN];
	json_t *v = json_parse_strict(text, strlen(text), err);

	ASSERT_EQ(jcheck_keys(v, known, err), -EINVAL, "unknown key accepted");
	ASSERT_TRUE(strstr(err, "\"c\"") != NULL, err);
	json_decref(v);
}

TEST(atomic_write_roundtrip)
{
	char dir[] = "/tmp/bpfbr-unit.XXXXXX", path[64], err[JERR_LEN];
	json_t *v, *back;
	struct stat st;

	if (!ASSERT_TRUE(mkdtemp(dir) != NULL, "mkdtemp"))
		return;
	snprintf(path, sizeof(path), "%s/x.json", dir);
	v = json_pack("{s:i}", "k", 42);
	ASSERT_OK(json_write_file_atomic(v, path), "write");
	ASSERT_OK(stat(path, &st), "stat");
	ASSERT_EQ(st.st_mode & 0777, 0600, "root-only file mode");
	back = json_load_file_strict(path, err);
	ASSERT_TRUE(back && json_equal(v, back), "read back equals written");
	json_decref(v);
	json_decref(back);
	unlink(path);
	rmdir(dir);
}
