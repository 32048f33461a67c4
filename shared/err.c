/* err.c: generic sentences for the error enum. */
#include "err.h"
#include "limits.h"

/* ERR_TOO_LARGE's sentence names the cap (doc/api.md says it too). */
_Static_assert(BODY_MAX == 64 * 1024, "the sentence says 64 KiB");

static const char *const err_strs[ERR__COUNT] = {
	[ERR_OK] = "ok",
	[ERR_INVALID] = "The request is not valid.",
	[ERR_UNAUTHORIZED] = "Send a valid token as 'Authorization: Bearer <token>'.",
	[ERR_FORBIDDEN] = "Only an admin may do this.",
	[ERR_NOT_FOUND] = "No such job.",
	[ERR_CONFLICT] = "The job is not in a state that allows this.",
	[ERR_TOO_LARGE] = "The request body is larger than 64 KiB.",
	[ERR_MEDIA_TYPE] = "Send the body as 'Content-Type: application/json'.",
	[ERR_LIMIT] = "You already have as many live jobs as allowed.",
	[ERR_FULL] = "The job daemon is busy; try again shortly.",
	[ERR_UNAVAILABLE] = "The job daemon is not answering; try again shortly.",
	[ERR_INTERNAL] = "Internal error.",
};

const char *
err_str(enum err e)
{
	if ((unsigned)e >= ERR__COUNT)
		return "Internal error.";
	return err_strs[e];
}
