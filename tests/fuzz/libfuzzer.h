/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The entry points libFuzzer calls in a target (it ships no C header for
 * them): every fuzz_*.c defines LLVMFuzzerTestOneInput, and may define
 * LLVMFuzzerInitialize to run once before the first input.
 */
#ifndef BPFBR_FUZZ_LIBFUZZER_H
#define BPFBR_FUZZ_LIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
