/*
 * key.h - the case's Ed25519 key pair (OpenSSL), which signs custody entries.
 *
 * On disk: CASE/keys/case.key (PKCS#8 PEM, mode 0600) and CASE/keys/case.pub
 * (SubjectPublicKeyInfo PEM, 0644).  The public key's 32 raw bytes in hex are
 * its printable identity (in bag-info.txt and `testigo show --case`).
 * Whoever holds case.key can sign; verification needs only case.pub, so a
 * third party who received the public key out of band can check a log.
 */
#ifndef TG_KEY_H
#define TG_KEY_H

#include <stddef.h>

#define TG_ED25519_SIG_LEN 64
#define TG_ED25519_PUB_HEX 65

struct tg_key {
	void *pkey;	/* EVP_PKEY */
	int has_private;
};

/* Generate a new pair into dir (keys/), private file created 0600. */
int tg_key_generate(const char *dir);

/* Load keys/case.key (private) or only keys/case.pub (public_only). */
int tg_key_load(struct tg_key *k, const char *dir, int public_only);
/* Load a public key from a PEM file anywhere (for bags). */
int tg_key_load_public_file(struct tg_key *k, const char *path);
void tg_key_release(struct tg_key *k);

int tg_key_sign(const struct tg_key *k, const void *msg, size_t len,
		unsigned char sig[TG_ED25519_SIG_LEN]);
/* 1 valid, 0 invalid, negative on error. */
int tg_key_verify(const struct tg_key *k, const void *msg, size_t len,
		  const unsigned char sig[TG_ED25519_SIG_LEN]);

/* The raw public key as 64 hex digits. */
int tg_key_public_hex(const struct tg_key *k, char hex[TG_ED25519_PUB_HEX]);

#endif
