/* SPDX-License-Identifier: MIT */
/* api.h: FDB_API marks the symbols libfdbroker exports; all else is hidden. */
#ifndef FDBROKER_API_H
#define FDBROKER_API_H

#define FDB_API __attribute__((visibility("default")))

#endif /* FDBROKER_API_H */
