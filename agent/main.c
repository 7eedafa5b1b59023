// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr: entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
