/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A small test harness in the style of the kernel's test_progs: tests are
 * functions registered with TEST(name); ASSERT_* macros return bool so call
 * sites read `if (!ASSERT_OK(err, "attach")) goto out;`. Results are printed
 * one per line as "PASS suite/test", "FAIL suite/test: why" or
 * "SKIP suite/test: why", which tests/run.sh counts.
 *
 * A table-driven test can run each row as a subtest:
 *
 *	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
 *		if (!subtest_begin(cases[i].name))
 *			continue;
 *		...the row's asserts...
 *	}
 *
 * A row ends at the next subtest_begin(), at subtest_end() or when the test
 * returns, and is reported on a line of its own before the test's line:
 * "PASS suite/test/row", "FAIL suite/test/row: why", "SKIP suite/test/row:
 * why" (test_skip() inside a row skips that row only). Rows count in the
 * totals like tests, and the test's own line still follows: it fails when a
 * row failed (naming the first), and is a skip when every row it ran was
 * skipped. In the reported name, and on the command line (`prog TEST/ROW`
 * runs that row alone), a row's name has every character other than
 * letters, digits, '.', '-' and '_' replaced by '_'.
 */
#ifndef BPFBR_TEST_HARNESS_H
#define BPFBR_TEST_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(name)                                                                                \
	static void test_##name(void);                                                            \
	static const struct test_case test_case_##name __attribute__((                            \
		used, section("bpfbr_tests"), aligned(sizeof(void *)))) = { #name, test_##name }; \
	static void test_##name(void)

/* Marks the running test failed with a message; always returns false. */
bool test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Marks the running row, or else the running test, skipped (unless it already failed). */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Ends the running row, if any, and starts the row called name; returns
 * false (and starts none) when the command line selects other rows.
 */
bool subtest_begin(const char *name);
/* Ends the running row and reports it; later failures are the test's own. */
void subtest_end(void);

#define ASSERT_TRUE(cond, what) \
	((cond) ? true : test_fail(__FILE__, __LINE__, "%s: expected true: %s", what, #cond))
#define ASSERT_FALSE(cond, what) \
	(!(cond) ? true : test_fail(__FILE__, __LINE__, "%s: expected false: %s", what, #cond))
#define ASSERT_OK(err, what)                                                               \
	({                                                                                 \
		long long __e = (long long)(err);                                          \
		__e == 0 ? true                                                            \
			 : test_fail(__FILE__, __LINE__, "%s: error %lld (%s)", what, __e, \
				     strerror(__e < 0 ? (int)-__e : (int)__e));            \
	})
#define ASSERT_EQ(a, b, what)                                                                     \
	({                                                                                        \
		long long __a = (long long)(a), __b = (long long)(b);                             \
		__a == __b ? true                                                                 \
			   : test_fail(__FILE__, __LINE__, "%s: %s == %lld, expected %lld", what, \
				       #a, __a, __b);                                             \
	})
#define ASSERT_NEQ(a, b, what)                                                                   \
	({                                                                                       \
		long long __a = (long long)(a), __b = (long long)(b);                            \
		__a != __b ? true                                                                \
			   : test_fail(__FILE__, __LINE__, "%s: %s == %lld, expected not", what, \
				       #a, __a);                                                 \
	})
#define ASSERT_STREQ(a, b, what)                                                             \
	({                                                                                   \
		const char *__a = (a), *__b = (b);                                           \
		(__a && __b && !strcmp(__a, __b))                                            \
			? true                                                               \
			: test_fail(__FILE__, __LINE__, "%s: \"%s\", expected \"%s\"", what, \
				    __a ? __a : "(null)", __b ? __b : "(null)");             \
	})
#define ASSERT_MEMEQ(a, b, len, what)                                                        \
	(!memcmp((a), (b), (len))                                                            \
		 ? true                                                                      \
		 : test_fail(__FILE__, __LINE__, "%s: %zu bytes differ at offset %zu", what, \
			     (size_t)(len), test_first_diff((a), (b), (len))))

size_t test_first_diff(const void *a, const void *b, size_t len);

#endif
