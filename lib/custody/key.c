#include "custody/key.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash/sha256.h"
#include "util/error.h"
#include "util/fs.h"

static int write_pem(const char *path, EVP_PKEY *pkey, int private, mode_t mode)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int ret;

	if (!mem)
		return tg_error(TG_ENOMEM, "%s: out of memory", path);
	if (private ? PEM_write_bio_PrivateKey(mem, pkey, NULL, NULL, 0, NULL, NULL) != 1
		    : PEM_write_bio_PUBKEY(mem, pkey) != 1) {
		BIO_free(mem);
		return tg_error(TG_ECRYPTO, "%s: cannot encode key", path);
	}
	len = BIO_get_mem_data(mem, &data);
	ret = tg_fs_write_atomic(path, data, (size_t)len, mode);
	BIO_free(mem);
	return ret;
}

int tg_key_generate(const char *dir)
{
	char priv[4096], pub[4096];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *pkey = NULL;
	int ret;

	snprintf(priv, sizeof(priv), "%s/keys/case.key", dir);
	snprintf(pub, sizeof(pub), "%s/keys/case.pub", dir);
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
		ret = tg_error(TG_ECRYPTO, "%s: cannot generate an Ed25519 key", dir);
		goto out;
	}
	ret = write_pem(priv, pkey, 1, 0600);
	if (ret == 0)
		ret = write_pem(pub, pkey, 0, 0644);
out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

static int load_pem(struct tg_key *k, const char *path, int private)
{
	FILE *f = fopen(path, "r");

	k->pkey = NULL;
	k->has_private = 0;
	if (!f)
		return tg_error_errno(TG_ECASE, "%s: cannot open key", path);
	k->pkey = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
			  : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k->pkey || EVP_PKEY_get_id(k->pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k->pkey);
		k->pkey = NULL;
		return tg_error(TG_ECRYPTO, "%s: not an Ed25519 %s key", path,
				private ? "private" : "public");
	}
	k->has_private = private;
	return 0;
}

int tg_key_load(struct tg_key *k, const char *dir, int public_only)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/keys/case.%s", dir, public_only ? "pub" : "key");
	return load_pem(k, path, !public_only);
}

int tg_key_load_public_file(struct tg_key *k, const char *path)
{
	return load_pem(k, path, 0);
}

void tg_key_release(struct tg_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
}

int tg_key_sign(const struct tg_key *k, const void *msg, size_t len,
		unsigned char sig[TG_ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = TG_ED25519_SIG_LEN;
	int ok;

	ok = ctx && k->has_private &&
	     EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == TG_ED25519_SIG_LEN;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : tg_error(TG_ECRYPTO, "cannot sign with the case key");
}

int tg_key_verify(const struct tg_key *k, const void *msg, size_t len,
		  const unsigned char sig[TG_ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int r;

	if (!ctx)
		return tg_error(TG_ENOMEM, "out of memory");
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) != 1) {
		EVP_MD_CTX_free(ctx);
		return tg_error(TG_ECRYPTO, "cannot initialise signature check");
	}
	r = EVP_DigestVerify(ctx, sig, TG_ED25519_SIG_LEN, msg, len);
	EVP_MD_CTX_free(ctx);
	return r == 1;
}

int tg_key_public_hex(const struct tg_key *k, char hex[TG_ED25519_PUB_HEX])
{
	unsigned char raw[32];
	size_t len = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(k->pkey, raw, &len) != 1 || len != 32)
		return tg_error(TG_ECRYPTO, "cannot read the public key");
	tg_hex_encode(raw, 32, hex);
	return 0;
}
