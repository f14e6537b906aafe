// SPDX-License-Identifier: MIT
#include "traces/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "traces/trace_priv.h"

/* Refuse anything but a regular file; 0 or a negative errno with err set. */
static int infile_check(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	if (fstat(fd, &st)) {
		ret = -errno;
		trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		trace_msg(err, errlen, "%s: is a directory", path);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		trace_msg(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	return 0;
}

int infile_open(const char *path, char *err, size_t errlen)
{
	/* O_NONBLOCK: a FIFO opens at once (and is then refused) instead of
	 * waiting for a writer; O_NOCTTY: a terminal never becomes ours. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), ret, fl;

	if (fd < 0) {
		ret = -errno;
		trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = infile_check(fd, path, err, errlen);
	if (!ret) {
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
			ret = -errno;
			trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
		}
	}
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

FILE *infile_fopen(const char *path, int *ret, char *err, size_t errlen)
{
	int fd = infile_open(path, err, errlen);
	FILE *f;

	if (fd < 0) {
		*ret = fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*ret = -errno;
		trace_msg(err, errlen, "%s: %s", path, strerror(-*ret));
		close(fd);
		return NULL;
	}
	*ret = 0;
	return f;
}
