/* req.c: request parameters, the bounded body, the query string. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "req.h"
#include "shared/jsonin.h"
#include "resp.h"
#include "shared/valid.h"

int
req_init(struct req *r, FCGX_Request *fr)
{
	const char *uri;
	const char *info;
	size_t len, ilen;

	memset(r, 0, sizeof(*r));
	r->fr = fr;
	r->method = req_param(r, "REQUEST_METHOD");
	if (r->method == NULL)
		r->method = "GET";
	r->query = req_param(r, "QUERY_STRING");
	if (r->query == NULL)
		r->query = "";
	/* nginx's $document_uri: decoded, normalized, without the query.
	 * lighttpd passes the prefix it matched as SCRIPT_NAME and the
	 * rest as PATH_INFO. */
	uri = req_param(r, "DOCUMENT_URI");
	info = NULL;
	if (uri == NULL) {
		uri = req_param(r, "SCRIPT_NAME");
		info = req_param(r, "PATH_INFO");
	}
	if (uri == NULL)
		uri = "/";
	len = strcspn(uri, "?");
	ilen = info != NULL ? strcspn(info, "?") : 0;
	if (len + ilen > PATH_MAX_API)
		return -1;
	memcpy(r->path, uri, len);
	memcpy(r->path + len, info != NULL ? info : "", ilen);
	r->path[len + ilen] = '\0';
	return 0;
}

const char *
req_param(const struct req *r, const char *name)
{
	return FCGX_GetParam(name, r->fr->envp);
}

static bool
req_is_json(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

json_object *
req_body_json(struct req *r)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");
	json_object *o;
	uint64_t len = 0;
	char *buf, err[160];
	int got;

	if (cl != NULL && cl[0] != '\0' &&
	    valid_u64(cl, strlen(cl), UINT64_MAX, &len) == -1) {
		resp_error(r, ERR_INVALID, "Content-Length is not a number.");
		return NULL;
	}
	if (len > BODY_MAX) {
		resp_error(r, ERR_TOO_LARGE, NULL);
		return NULL;
	}
	if (!req_is_json(req_param(r, "CONTENT_TYPE"))) {
		resp_error(r, ERR_MEDIA_TYPE, NULL);
		return NULL;
	}
	if ((buf = malloc(len + 1)) == NULL) {
		resp_error(r, ERR_INTERNAL, NULL);
		return NULL;
	}
	got = len ? FCGX_GetStr(buf, (int)len, r->fr->in) : 0;
	if (got != (int)len) {
		free(buf);
		resp_error(r, ERR_INVALID, "The body is shorter than its "
		    "Content-Length.");
		return NULL;
	}
	o = jsonin_parse(buf, len, err, sizeof(err));
	free(buf);
	if (o == NULL) {
		/* No sentence: the literal null, which is no object. */
		resp_error(r, ERR_INVALID, err[0] ? err : "The body must be a "
		    "JSON object.");
		return NULL;
	}
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
req_query(const struct req *r, const char *name, char *buf, size_t size)
{
	size_t nlen = strlen(name);
	const char *p = r->query;

	if (strlen(p) > QUERY_MAX)
		return -1;
	while (*p != '\0') {
		size_t seg = strcspn(p, "&");

		if (seg > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t o = 0;

			for (size_t i = nlen + 1; i < seg; i++) {
				char c = p[i];

				if (c == '%') {
					int hi, lo;

					if (i + 2 >= seg)
						return -1;
					hi = hexval(p[i + 1]);
					lo = hexval(p[i + 2]);
					if (hi < 0 || lo < 0)
						return -1;
					c = (char)(hi * 16 + lo);
					i += 2;
				} else if (c == '+')
					c = ' ';
				if (o + 1 >= size || c == '\0')
					return -1;
				buf[o++] = c;
			}
			buf[o] = '\0';
			return 1;
		}
		if (seg == nlen && strncmp(p, name, nlen) == 0) {
			buf[0] = '\0';
			return 1;
		}
		p += seg;
		if (*p == '&')
			p++;
	}
	return 0;
}
