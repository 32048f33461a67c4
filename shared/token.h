/* token.h: API tokens: 256 random bits shown once, stored as SHA-256
 * (libcrypto).  A slow password hash is not needed for random tokens. */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>

#define TOKEN_PREFIX	"jm_"
#define TOKEN_LEN	(3 + 64)

/* token_new: a fresh token into buf (TOKEN_LEN + 1).  Returns 0 or -1. */
int token_new(char *buf);
/* token_hash: hex SHA-256 of token[0..len) into hex (65 bytes). */
int token_hash(const char *token, size_t len, char *hex);

#endif
