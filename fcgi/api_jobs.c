/* api_jobs.c: create, read, cancel, delete and retry one job. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "resp.h"
#include "shared/jobmodel.h"
#include "shared/runner.h"
#include "shared/valid.h"
#include "view.h"

/* api_since: the since parameter; -1 (answered 400) when malformed. */
static int
api_since(struct req *r, uint64_t *since)
{
	char buf[32];
	int rc = req_query(r, "since", buf, sizeof(buf));

	*since = 0;
	if (rc == 0)
		return 0;
	if (rc == -1 || valid_u64(buf, strlen(buf), INT64_MAX, since) == -1) {
		resp_error(r, ERR_INVALID, "'since' must be a line number "
		    "(a whole number, 0 or more).");
		return -1;
	}
	return 0;
}

/* api_job_id: the route's id; a malformed one is a 404 like a missing
 * job (doc/api.md "Order of checks"). */
static int
api_job_id(struct req *r, uint8_t uuid[16])
{
	if (valid_uuid(r->args[0], strlen(r->args[0]), uuid) == -1) {
		resp_error(r, ERR_NOT_FOUND, "No job with that id.");
		return -1;
	}
	return 0;
}

/* api_jobd_error: answer a failed call or a refusal from jobd. */
static void
api_jobd_error(struct req *r, enum err call, const struct msg_reply *rep)
{
	if (call == ERR_FULL)
		resp_error(r, ERR_FULL, "The job daemon's queue is full; try "
		    "again in a moment.");
	else if (call != ERR_OK)
		resp_error(r, call, NULL);
	else
		resp_error(r, (enum err)rep->err, rep->msg[0] ? rep->msg : NULL);
}

static const char *
api_json_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* api_create_check: the body's fields, checked as jobd will check them,
 * so a bad request is answered here with a precise sentence. */
static const struct runner *
api_create_check(struct app *a, struct req *r, json_object *body,
    json_object **urls, json_object **opts)
{
	const struct runner *run;
	json_object *rn = NULL;
	char msg[512];

	if (!json_object_is_type(body, json_type_object)) {
		resp_error(r, ERR_INVALID, "The body must be a JSON object with "
		    "'urls'.");
		return NULL;
	}
	json_object_object_foreach(body, key, val) {
		(void)val;
		if (strcmp(key, "urls") != 0 && strcmp(key, "options") != 0 &&
		    strcmp(key, "runner") != 0) {
			snprintf(msg, sizeof(msg), "Unknown field '%.64s'; a job "
			    "has 'urls', 'options' and 'runner'.", key);
			resp_error(r, ERR_INVALID, msg);
			return NULL;
		}
	}
	json_object_object_get_ex(body, "runner", &rn);
	if (rn != NULL && !json_object_is_type(rn, json_type_string)) {
		resp_error(r, ERR_INVALID, "'runner' must be a string.");
		return NULL;
	}
	if ((run = config_runner(&a->cfg, rn ? json_object_get_string(rn) :
	    NULL)) == NULL) {
		resp_error(r, ERR_INVALID, "Unknown runner.");
		return NULL;
	}
	*urls = *opts = NULL;
	json_object_object_get_ex(body, "urls", urls);
	json_object_object_get_ex(body, "options", opts);
	if (runner_check_urls(run, *urls, msg, sizeof(msg)) == -1 ||
	    (*opts != NULL && runner_check_options(run, *opts, msg,
	    sizeof(msg)) == -1)) {
		resp_error(r, ERR_INVALID, msg);
		return NULL;
	}
	return run;
}

void
api_jobs_create(struct app *a, struct req *r)
{
	json_object *body = req_body_json(r), *urls, *opts;
	const struct runner *run;
	struct msg_cmd c = { .type = MSG_CMD_CREATE };
	struct msg_reply rep;
	enum err e;
	uint8_t uuid[16];

	if (body == NULL)
		return;
	if ((run = api_create_check(a, r, body, &urls, &opts)) == NULL)
		goto out;
	c.user = r->user;
	c.runner = run->name;
	c.urls = api_json_text(urls);
	c.options = opts ? api_json_text(opts) : "{}";
	if ((e = client_call(&a->jobd, &c, &rep, MSG_WAIT_MS)) != ERR_OK ||
	    rep.err != ERR_OK)
		api_jobd_error(r, e, &rep);
	else if (valid_uuid(rep.id, strlen(rep.id), uuid) == -1)
		resp_error(r, ERR_INTERNAL, NULL);
	else
		view_job_answer(a, r, uuid, r->user, 201, 0);
out:
	json_object_put(body);
}

void
api_jobs_get(struct app *a, struct req *r)
{
	uint8_t uuid[16];
	uint64_t since;

	if (api_job_id(r, uuid) == -1 || api_since(r, &since) == -1)
		return;
	view_job_answer(a, r, uuid, r->user, 200, since);
}

/* api_job_command: send type for the route's job; answers errors and
 * returns -1, or 0 with *rep holding jobd's answer. */
static int
api_job_command(struct app *a, struct req *r, uint16_t type,
    struct msg_reply *rep, uint8_t uuid[16])
{
	char id[JOB_ID_LEN + 1];
	struct msg_cmd c = { .type = type };
	enum err e;

	if (api_job_id(r, uuid) == -1)
		return -1;
	job_id_str(uuid, id);
	c.user = r->user;
	c.id = id;
	if ((e = client_call(&a->jobd, &c, rep, MSG_WAIT_MS)) != ERR_OK ||
	    rep->err != ERR_OK) {
		api_jobd_error(r, e, rep);
		return -1;
	}
	return 0;
}

void
api_jobs_cancel(struct app *a, struct req *r)
{
	struct msg_reply rep;
	uint8_t uuid[16];

	if (api_job_command(a, r, MSG_CMD_CANCEL, &rep, uuid) == 0)
		view_job_answer(a, r, uuid, r->user, 200, 0);
}

void
api_jobs_delete(struct app *a, struct req *r)
{
	struct msg_reply rep;
	uint8_t uuid[16];

	if (api_job_command(a, r, MSG_CMD_DELETE, &rep, uuid) == 0)
		resp_json(r, 204, NULL, NULL);
}

void
api_jobs_retry(struct app *a, struct req *r)
{
	struct msg_reply rep;
	uint8_t uuid[16], fresh[16];

	if (api_job_command(a, r, MSG_CMD_RETRY, &rep, uuid) == -1)
		return;
	if (valid_uuid(rep.id, strlen(rep.id), fresh) == -1)
		resp_error(r, ERR_INTERNAL, NULL);
	else
		view_job_answer(a, r, fresh, r->user, 201, 0);
}
