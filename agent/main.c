// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr: entry point, for the command line and for CNI runtimes. */
#include "cli.h"
#include "cni.h"

int main(int argc, char **argv)
{
	if (cni_invoked(argc))
		return cni_main();
	return cli_main(argc, argv);
}
