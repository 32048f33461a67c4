/* token.c: token generation and hashing (see token.h). */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "token.h"

int
token_new(char *buf)
{
	unsigned char raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	memcpy(buf, TOKEN_PREFIX, 3);
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(buf + 3 + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

int
token_hash(const char *token, size_t len, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(token, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}
