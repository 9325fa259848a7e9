#include "hash/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"

int tg_sha256_init(struct tg_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->md = ctx;
	if (!ctx)
		return tg_error(TG_ENOMEM, "sha256: out of memory");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		tg_sha256_release(h);
		return tg_error(TG_ECRYPTO, "sha256: cannot initialise");
	}
	return 0;
}

int tg_sha256_update(struct tg_sha256 *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->md, data, len) != 1)
		return tg_error(TG_ECRYPTO, "sha256: update failed");
	return 0;
}

int tg_sha256_final(struct tg_sha256 *h, unsigned char raw[TG_SHA256_LEN], char hex[TG_SHA256_HEX])
{
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int ok = EVP_DigestFinal_ex(h->md, out, &n) == 1 && n == TG_SHA256_LEN;

	tg_sha256_release(h);
	if (!ok)
		return tg_error(TG_ECRYPTO, "sha256: final failed");
	if (raw)
		memcpy(raw, out, TG_SHA256_LEN);
	if (hex)
		tg_hex_encode(out, TG_SHA256_LEN, hex);
	return 0;
}

void tg_sha256_release(struct tg_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

int tg_sha256_buf(const void *data, size_t len, unsigned char raw[TG_SHA256_LEN],
		  char hex[TG_SHA256_HEX])
{
	struct tg_sha256 h;
	int ret = tg_sha256_init(&h);

	if (ret == 0)
		ret = tg_sha256_update(&h, data, len);
	if (ret == 0)
		return tg_sha256_final(&h, raw, hex);
	tg_sha256_release(&h);
	return ret;
}

int tg_sha256_file(const char *path, char hex[TG_SHA256_HEX], unsigned long long *size)
{
	enum { CHUNK = 1 << 20 };
	struct tg_sha256 h = { NULL };
	unsigned char *buf = NULL;
	unsigned long long total = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tg_error_errno(TG_EINPUT, "%s: cannot open", path);
	buf = malloc(CHUNK);
	if (!buf) {
		ret = tg_error(TG_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	ret = tg_sha256_init(&h);
	while (ret == 0) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = tg_error_errno(TG_EINPUT, "%s: read failed", path);
			break;
		}
		if (n == 0)
			break;
		total += (unsigned long long)n;
		ret = tg_sha256_update(&h, buf, (size_t)n);
	}
	if (ret == 0)
		ret = tg_sha256_final(&h, NULL, hex);
	if (ret == 0 && size)
		*size = total;
out:
	tg_sha256_release(&h);
	free(buf);
	close(fd);
	return ret;
}

void tg_hex_encode(const unsigned char *raw, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[2 * len] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tg_hex_decode(const char *hex, unsigned char *raw, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int tg_sha256_is_hex(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!s[i] || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}
