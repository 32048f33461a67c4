/* resp.c: every answer goes out here: status, headers, JSON (doc/api.md
 * "Errors"): Content-Type and Cache-Control on all of them. */
#include <stdio.h>
#include <string.h>

#include "resp.h"
#include "stats.h"

static const char *
resp_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

int
resp_status(enum err e)
{
	static const int map[ERR__COUNT] = {
		[ERR_OK] = 200, [ERR_INVALID] = 400, [ERR_UNAUTHORIZED] = 401,
		[ERR_FORBIDDEN] = 403, [ERR_NOT_FOUND] = 404,
		[ERR_CONFLICT] = 409, [ERR_TOO_LARGE] = 413,
		[ERR_MEDIA_TYPE] = 415, [ERR_LIMIT] = 429, [ERR_FULL] = 503,
		[ERR_UNAVAILABLE] = 503, [ERR_INTERNAL] = 500,
	};

	return (unsigned)e < ERR__COUNT ? map[e] : 500;
}

void
resp_json(struct req *r, int status, json_object *o, const char *extra)
{
	const char *body = NULL;
	char head[1024];
	size_t len = 0;
	int hlen;

	if (r->responded) {
		json_object_put(o);
		return;
	}
	r->responded = true;
	if (o != NULL && (body = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len)) ==
	    NULL) {
		/* Out of memory writing it: a 500, not the status without
		 * its body (a poll's 200 with no lines). */
		status = 500;
		extra = NULL;
		body = "{\"error\":\"Internal error.\"}";
		len = strlen(body);
	}
	stats_count(status);
	/* libfcgi's own printf knows no %zu: format here. */
	hlen = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Cache-Control: no-cache\r\n%s", status, resp_reason(status),
	    extra ? extra : "");
	if (body != NULL)
		hlen += snprintf(head + hlen, sizeof(head) - (size_t)hlen,
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n", len + 1);
	FCGX_PutStr(head, hlen, r->fr->out);
	FCGX_PutS("\r\n", r->fr->out);
	if (body != NULL) {
		FCGX_PutStr(body, (int)len, r->fr->out);
		FCGX_PutChar('\n', r->fr->out);
	}
	json_object_put(o);
}

void
resp_text(struct req *r, int status, const char *type, const char *body,
    size_t len)
{
	char head[512];
	int hlen;

	if (r->responded)
		return;
	r->responded = true;
	stats_count(status);
	hlen = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Cache-Control: no-cache\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n\r\n", status, resp_reason(status), type,
	    len);
	FCGX_PutStr(head, hlen, r->fr->out);
	FCGX_PutStr(body, (int)len, r->fr->out);
}

void
resp_error(struct req *r, enum err e, const char *msg)
{
	json_object *o = json_object_new_object();
	int status = resp_status(e);
	const char *extra = NULL;

	/* 500 bodies never carry input or internals. */
	if (msg == NULL || status == 500)
		msg = err_str(e);
	json_object_object_add(o, "error", json_object_new_string(msg));
	if (e == ERR_UNAUTHORIZED)
		extra = "WWW-Authenticate: Bearer\r\n";
	else if (status == 503)
		extra = "Retry-After: 1\r\n";
	resp_json(r, status, o, extra);
}

void
resp_not_modified(struct req *r, const char *etag)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr), "ETag: %s\r\n", etag);
	resp_json(r, 304, NULL, hdr);
}
