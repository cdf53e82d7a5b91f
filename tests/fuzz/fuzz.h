/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz/ share: the entry
 * point's prototype and FUZZ_ASSERT, an invariant check that works with
 * NDEBUG too.  A broken invariant prints where and aborts, which libFuzzer
 * reports as a crash and saves the input as an artifact.
 */
#ifndef FDBROKER_FUZZ_H
#define FDBROKER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #c);			\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif /* FDBROKER_FUZZ_H */
