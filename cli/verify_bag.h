/* verify_bag.h - 'testigo verify --bag DIR': check an archival package, no case needed. */
#ifndef TG_CLI_VERIFY_BAG_H
#define TG_CLI_VERIFY_BAG_H

#include "report/output.h"

/* Returns the exit code: 0 intact, 1 problems, 3 not a folder or bad --key. */
int tg_cli_verify_bag(const char *dir, const char *key_path, enum tg_out_format fmt);

#endif
