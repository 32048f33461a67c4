/* api.h: the handlers, one file per resource (cgit ui-*.c). */
#ifndef API_H
#define API_H

#include "app.h"
#include "req.h"

/* api_jobs.c */
void api_jobs_create(struct app *a, struct req *r);
void api_jobs_get(struct app *a, struct req *r);
void api_jobs_cancel(struct app *a, struct req *r);
void api_jobs_delete(struct app *a, struct req *r);
void api_jobs_retry(struct app *a, struct req *r);
/* api_list.c */
void api_jobs_list(struct app *a, struct req *r);
void api_admin_user_jobs(struct app *a, struct req *r);
/* api_admin.c */
void api_admin_settings_get(struct app *a, struct req *r);
void api_admin_settings_put(struct app *a, struct req *r);
/* api_health.c */
void api_health(struct app *a, struct req *r);
/* api_metrics.c */
void api_metrics(struct app *a, struct req *r);

#endif
