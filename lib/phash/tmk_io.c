/*
 * tmk_io.c - the reference .tmk file format (byte table in tmk.h).
 *
 * Fields are read and written byte by byte as little-endian, so the code
 * is independent of the host's byte order and of struct padding.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phash/tmk.h"
#include "util/error.h"
#include "util/fs.h"

#define HEADER_SIZE 32

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *put_floats(uint8_t *p, const float *v, size_t n)
{
	for (size_t i = 0; i < n; i++, p += 4) {
		uint32_t u;

		memcpy(&u, &v[i], 4);
		put_u32(p, u);
	}
	return p;
}

static const uint8_t *get_floats(const uint8_t *p, float *v, size_t n)
{
	for (size_t i = 0; i < n; i++, p += 4) {
		uint32_t u = get_u32(p);

		memcpy(&v[i], &u, 4);
	}
	return p;
}

void tg_tmk_io_encode(const struct tg_tmk_sig *s, uint8_t *buf)
{
	uint8_t *p = buf;

	memcpy(p, "TMK1FVECPDQF", 12);
	put_u32(p + 12, (uint32_t)s->fps);
	put_u32(p + 16, TG_TMK_NPERIODS);
	put_u32(p + 20, TG_TMK_NCOEFFS);
	put_u32(p + 24, TG_TMK_DIM);
	put_u32(p + 28, (uint32_t)s->nframes);
	p += HEADER_SIZE;
	for (int i = 0; i < TG_TMK_NPERIODS; i++, p += 4)
		put_u32(p, (uint32_t)s->periods[i]);
	p = put_floats(p, s->coeffs, TG_TMK_NCOEFFS);
	p = put_floats(p, s->average, TG_TMK_DIM);
	p = put_floats(p, &s->cos[0][0][0], (size_t)TG_TMK_NPERIODS * TG_TMK_NCOEFFS * TG_TMK_DIM);
	put_floats(p, &s->sin[0][0][0], (size_t)TG_TMK_NPERIODS * TG_TMK_NCOEFFS * TG_TMK_DIM);
}

int tg_tmk_io_decode(const uint8_t *buf, size_t len, struct tg_tmk_sig *s, const char *what)
{
	const uint8_t *p = buf;
	size_t nfloats;

	if (len < HEADER_SIZE || memcmp(buf, "TMK1FVEC", 8) != 0)
		return tg_error(TG_EINPUT, "%s: not a TMK feature-vector file", what);
	if (memcmp(buf + 8, "PDQF", 4) != 0)
		return tg_error(TG_EINPUT, "%s: frame features are not PDQF", what);
	if (get_u32(buf + 16) != TG_TMK_NPERIODS || get_u32(buf + 20) != TG_TMK_NCOEFFS ||
	    get_u32(buf + 24) != TG_TMK_DIM)
		return tg_error(TG_EINPUT, "%s: unsupported TMK parameters (%u periods, %u "
				"coefficients, %u dimensions)", what, get_u32(buf + 16),
				get_u32(buf + 20), get_u32(buf + 24));
	if (len != TG_TMK_FILE_SIZE)
		return tg_error(TG_EINPUT, "%s: %zu bytes, a .tmk file has %d", what, len,
				TG_TMK_FILE_SIZE);
	s->fps = (int32_t)get_u32(buf + 12);
	s->nframes = (int32_t)get_u32(buf + 28);
	if (s->fps <= 0 || s->nframes < 0)
		return tg_error(TG_EINPUT, "%s: bad frame rate or count", what);
	p += HEADER_SIZE;
	for (int i = 0; i < TG_TMK_NPERIODS; i++, p += 4) {
		s->periods[i] = (int32_t)get_u32(p);
		if (s->periods[i] <= 0)
			return tg_error(TG_EINPUT, "%s: bad period %d", what, s->periods[i]);
	}
	p = get_floats(p, s->coeffs, TG_TMK_NCOEFFS);
	p = get_floats(p, s->average, TG_TMK_DIM);
	nfloats = (size_t)TG_TMK_NPERIODS * TG_TMK_NCOEFFS * TG_TMK_DIM;
	p = get_floats(p, &s->cos[0][0][0], nfloats);
	get_floats(p, &s->sin[0][0][0], nfloats);
	/* scores must stay finite whatever the file says */
	for (int j = 0; j < TG_TMK_NCOEFFS; j++)
		if (!isfinite(s->coeffs[j]))
			return tg_error(TG_EINPUT, "%s: non-finite Fourier coefficient", what);
	for (int k = 0; k < TG_TMK_DIM; k++)
		if (!isfinite(s->average[k]))
			return tg_error(TG_EINPUT, "%s: non-finite feature value", what);
	for (size_t k = 0; k < nfloats; k++)
		if (!isfinite((&s->cos[0][0][0])[k]) || !isfinite((&s->sin[0][0][0])[k]))
			return tg_error(TG_EINPUT, "%s: non-finite feature value", what);
	return 0;
}

int tg_tmk_io_write(const char *path, const struct tg_tmk_sig *s)
{
	uint8_t *buf = malloc(TG_TMK_FILE_SIZE);
	int ret;

	if (!buf)
		return tg_error(TG_ENOMEM, "%s: no memory", path);
	tg_tmk_io_encode(s, buf);
	ret = tg_fs_write_atomic(path, buf, TG_TMK_FILE_SIZE, 0644);
	free(buf);
	return ret;
}

int tg_tmk_io_read(const char *path, struct tg_tmk_sig *s)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = tg_fs_read_all(path, TG_TMK_FILE_SIZE + 1, &buf, &len);
	if (ret == TG_ELIMIT) {
		ret = tg_error(TG_EINPUT, "%s: too large for a .tmk file", path);
		goto out;
	}
	if (ret < 0)
		goto out;
	ret = tg_tmk_io_decode((const uint8_t *)buf, len, s, path);
out:
	free(buf);
	return ret;
}
