/* app.h: what a responder process holds between requests. */
#ifndef APP_H
#define APP_H

#include <sqlite3.h>

#include "shared/client.h"
#include "shared/config.h"

struct app {
	struct config	 cfg;
	sqlite3		*db;		/* read-only */
	sqlite3_stmt	*auth_stmt;
	struct client	 jobd;
};

#endif
