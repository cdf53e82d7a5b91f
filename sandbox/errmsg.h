/* SPDX-License-Identifier: MIT */
/*
 * errmsg.h: the one-line reasons fdbroker-run's parts hand back to
 * main() (cli.c, cmdenv.c, launch.c), which prints them.  Internal to
 * fdbroker-run.
 */
#ifndef FDBROKER_ERRMSG_H
#define FDBROKER_ERRMSG_H

#include <stddef.h>

/*
 * errmsg: write the printf-style reason into @err (@errlen bytes, cut to
 * fit; nothing when @err is NULL), set errno to @e, return -1.
 */
int errmsg(char *err, size_t errlen, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* FDBROKER_ERRMSG_H */
