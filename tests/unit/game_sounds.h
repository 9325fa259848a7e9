/*
 * game_sounds.h - sounds packed inside game archives, written out as files
 * that tg_test_decode() reads (test helpers, not library code).
 *
 * Two of the Debian packages with weapon recordings that the shot detector
 * was never developed on pack them in archives: openarena-data (Quake 3
 * .pk3 archives, which are zip files: read with the unzip command) and
 * freedoom (Doom WADs, whose sound lumps are DMX: an 8-byte header,
 * format 3, rate, sample count, then unsigned 8-bit samples with 16
 * padding bytes at each end).  A WAD is a
 * 12-byte header ("IWAD"/"PWAD", lump count, directory offset) and a
 * directory of 16-byte entries (offset, size, 8-byte name); it is simple
 * enough that reading it here beats adding a tool to the dependencies.
 */
#ifndef TG_TEST_GAME_SOUNDS_H
#define TG_TEST_GAME_SOUNDS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_util.h"

/* Extract member of a .pk3 (zip) to dir/<basename>; its path goes to out. */
static inline int tg_test_pk3_member(const char *pk3, const char *member, const char *dir,
				     char *out, size_t cap)
{
	const char *base = strrchr(member, '/');
	char cmd[4096];

	snprintf(out, cap, "%s/%s", dir, base ? base + 1 : member);
	snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s' > '%s' 2>/dev/null", pk3, member, out);
	return tg_test_sh(cmd);
}

static inline uint32_t tg_test_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Write 8-bit unsigned mono samples as a WAV file. */
static inline int tg_test_write_wav_u8(const char *path, const unsigned char *x, uint32_t n,
				       uint32_t rate)
{
	unsigned char h[44];
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	memcpy(h, "RIFF", 4);
	for (int i = 0; i < 4; i++) {
		h[4 + i] = (unsigned char)((36 + n) >> (8 * i));
		h[24 + i] = (unsigned char)(rate >> (8 * i));   /* sample rate */
		h[28 + i] = (unsigned char)(rate >> (8 * i));   /* byte rate: 1 byte a sample */
		h[40 + i] = (unsigned char)(n >> (8 * i));
	}
	memcpy(h + 8, "WAVEfmt ", 8);
	memcpy(h + 16, "\x10\0\0\0\x01\0\x01\0", 8);        /* 16-byte fmt, PCM, mono */
	memcpy(h + 32, "\x01\0\x08\0", 4);                   /* block align 1, 8 bits */
	memcpy(h + 36, "data", 4);
	ok = fwrite(h, 1, 44, f) == 44 && fwrite(x, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Extract the DMX sound lump `name` of a WAD to dir/<name>.wav (path to out). */
static inline int tg_test_wad_sound(const char *wad, const char *name, const char *dir,
				    char *out, size_t cap)
{
	FILE *f = fopen(wad, "rb");
	unsigned char h[12], e[16], *lump = NULL;
	uint32_t n, dir_at, i, at = 0, size = 0, count;
	int ret = -1;

	if (!f)
		return -1;
	if (fread(h, 1, 12, f) != 12 || memcmp(h + 1, "WAD", 3) != 0)
		goto out;
	n = tg_test_le32(h + 4);
	dir_at = tg_test_le32(h + 8);
	if (fseek(f, (long)dir_at, SEEK_SET) != 0)
		goto out;
	for (i = 0; i < n && fread(e, 1, 16, f) == 16; i++)
		if (strncmp((const char *)e + 8, name, 8) == 0) {
			at = tg_test_le32(e);
			size = tg_test_le32(e + 4);
			break;
		}
	if (size < 8 + 32 || size > (1u << 24) || !(lump = malloc(size)) ||
	    fseek(f, (long)at, SEEK_SET) != 0 || fread(lump, 1, size, f) != size)
		goto out;
	count = tg_test_le32(lump + 4);
	if (lump[0] != 3 || lump[1] != 0 || count < 32 || count > size - 8)
		goto out;
	snprintf(out, cap, "%s/%s.wav", dir, name);
	ret = tg_test_write_wav_u8(out, lump + 8 + 16, count - 32,
				   (uint32_t)lump[2] | (uint32_t)lump[3] << 8);
out:
	free(lump);
	fclose(f);
	return ret;
}

#endif
