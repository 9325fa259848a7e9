/* mediaarg.c - resolve FILE|ITEM arguments; see mediaarg.h. */
#include "cli/mediaarg.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/case.h"
#include "cli/cli.h"
#include "util/error.h"

int tg_mediaarg_resolve(const char *arg, struct tg_case **c, struct tg_mediaarg *out)
{
	struct stat st;
	char *dir = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	out->arg = arg;
	if (stat(arg, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return tg_error(TG_EINPUT, "%s: not a regular file", arg);
		out->path = strdup(arg);
		return out->path ? 0 : tg_error(TG_ENOMEM, "out of memory");
	}
	if (!*c) {
		if (tg_case_find(tg_cli_case_dir(), &dir) < 0 || tg_case_open(c, dir) < 0) {
			free(dir);
			*c = NULL;
			return tg_error(TG_EINPUT, "%s: no such file (and no case to find it as an item)",
					arg);
		}
		free(dir);
	}
	ret = tg_store_item_find((*c)->store, arg, &out->item);
	if (ret < 0)
		return tg_error(TG_EINPUT, "%s: no such file or item in the case", arg);
	out->is_item = 1;
	out->path = tg_case_object_path(*c, out->item.sha256);
	return out->path ? 0 : tg_error(TG_ENOMEM, "out of memory");
}

void tg_mediaarg_release(struct tg_mediaarg *m)
{
	if (!m)
		return;
	free(m->path);
	m->path = NULL;
}
