/* SPDX-License-Identifier: MIT */
/*
 * filter-bpf.h: the allowlists built when fdbroker-run was (the
 * generated filter-bpf.c, written by filter-gen.c), for
 * filter_notify_opts.prebuilt.
 */
#ifndef FDBROKER_FILTER_BPF_H
#define FDBROKER_FILTER_BPF_H

#include "filter-notify.h"

extern const struct filter_notify_prebuilt filter_bpf;

#endif /* FDBROKER_FILTER_BPF_H */
