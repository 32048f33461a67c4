/* serve.h: the threads of one responder process.  Each thread runs the
 * accept loop with its own database connection and jobd link; the pool
 * starts with one thread and grows, up to a bound, whenever no thread is
 * left waiting in accept.  So a worker serves persistent FastCGI
 * connections (nginx's fastcgi_keep_conn) without a new connection ever
 * waiting behind kept ones that are idle. */
#ifndef SERVE_H
#define SERVE_H

#include "app.h"

/* serve: run the threads on sock until SIGTERM or SIGINT, then stop them
 * (a request in progress is answered first).  Returns 0, or -1 when not
 * even the first thread could open the database. */
int serve(const struct app *proto, int sock, unsigned max_threads);

#endif
