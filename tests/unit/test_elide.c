// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Long user input cut for a message (agent/elide.c). */
#include <string.h>

#include "elide.h"
#include "harness.h"

TEST(elide_keeps_short_values_and_cuts_long_ones)
{
	char buf[ELIDE_LEN], big[3000];

	ASSERT_STREQ(elide("10.40.0.0/24", buf, sizeof(buf)), "10.40.0.0/24", "short value");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	elide(big, buf, sizeof(buf));
	ASSERT_TRUE(strlen(buf) < 80, "the cut value is short");
	ASSERT_TRUE(strstr(buf, "…(2999 bytes)") != NULL, "it says how long the value was");
	ASSERT_TRUE(!strncmp(buf, big, 48), "it begins as the value does");
}
