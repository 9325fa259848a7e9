/*
 * sha256.h - streaming SHA-256 (OpenSSL EVP), the identity of every object.
 *
 * An item is named by the lowercase hex SHA-256 of its bytes.  The streaming
 * context lets ingest hash while it copies, in one read of the source.
 */
#ifndef TG_SHA256_H
#define TG_SHA256_H

#include <stddef.h>

#define TG_SHA256_LEN 32
#define TG_SHA256_HEX 65	/* 64 hex digits and a NUL */

struct tg_sha256 {
	void *md;	/* EVP_MD_CTX */
};

int tg_sha256_init(struct tg_sha256 *h);
int tg_sha256_update(struct tg_sha256 *h, const void *data, size_t len);
/* Finish into 32 raw bytes and/or hex (either may be NULL); releases the context. */
int tg_sha256_final(struct tg_sha256 *h, unsigned char raw[TG_SHA256_LEN], char hex[TG_SHA256_HEX]);
void tg_sha256_release(struct tg_sha256 *h);

/* One-shot over a buffer. */
int tg_sha256_buf(const void *data, size_t len, unsigned char raw[TG_SHA256_LEN],
		  char hex[TG_SHA256_HEX]);

/* Hash a whole file; *size receives its length (may be NULL).  Errors name path. */
int tg_sha256_file(const char *path, char hex[TG_SHA256_HEX], unsigned long long *size);

void tg_hex_encode(const unsigned char *raw, size_t len, char *hex);
/* Decode exactly len bytes from 2*len hex digits; -1 on a bad digit. */
int tg_hex_decode(const char *hex, unsigned char *raw, size_t len);
/* 64 lowercase hex digits? */
int tg_sha256_is_hex(const char *s);

#endif
