/* err.h: the one error enum both sides use (kcgi enum kcgi_err). */
#ifndef ERR_H
#define ERR_H

enum err {
	ERR_OK = 0,
	ERR_INVALID,		/* the request is wrong: 400 */
	ERR_UNAUTHORIZED,	/* no or wrong identity: 401 */
	ERR_FORBIDDEN,		/* not an admin: 403 */
	ERR_NOT_FOUND,		/* no such job (or not the caller's): 404 */
	ERR_CONFLICT,		/* wrong state for the action: 409 */
	ERR_TOO_LARGE,		/* body over BODY_MAX: 413 */
	ERR_MEDIA_TYPE,		/* body not JSON: 415 */
	ERR_LIMIT,		/* per-user live job cap: 429 */
	ERR_FULL,		/* live table or queue full: 503 */
	ERR_UNAVAILABLE,	/* jobd down or not answering: 503 */
	ERR_INTERNAL,		/* a bug or a failing disk: 500 */
	ERR__COUNT
};

/* err_str: a short generic sentence for e; never NULL. */
const char *err_str(enum err e);

#endif
