/* ceiling.c: the fastest possible libfcgi responder: answers every request
 * with the same bytes, read once from a file.  The benchmark runs it behind
 * the same nginx as jobs-fcgi to measure the ceiling our polling is held to.
 * usage: bench-ceiling SOCKET WORKERS FILE [THREADS]
 * (THREADS accept loops in each worker; 1 by default) */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int ceil_sock;
static const char *ceil_body;
static long ceil_len;

static void
serve(int sock, const char *body, long len)
{
	FCGX_Request fr;

	FCGX_InitRequest(&fr, sock, 0);
	while (FCGX_Accept_r(&fr) >= 0) {
		FCGX_FPrintF(fr.out, "Status: 200 OK\r\nCache-Control: no-cache\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "Content-Length: %ld\r\n\r\n", len);
		FCGX_PutStr(body, (int)len, fr.out);
		FCGX_Finish_r(&fr);
	}
}

static void *
serve_thread(void *arg)
{
	(void)arg;
	serve(ceil_sock, ceil_body, ceil_len);
	return NULL;
}

static void
serve_threads(int n)
{
	pthread_t t;

	for (int i = 1; i < n; i++)
		pthread_create(&t, NULL, serve_thread, NULL);
	serve(ceil_sock, ceil_body, ceil_len);
}

int
main(int argc, char *argv[])
{
	static char body[4 << 20];
	FILE *f;
	long len;
	int sock, n;

	int threads = argc == 5 ? (int)strtol(argv[4], NULL, 10) : 1;

	if (argc < 4 || argc > 5 || threads < 1 || threads > 64 ||
	    (f = fopen(argv[3], "rb")) == NULL)
		return 2;
	len = (long)fread(body, 1, sizeof(body), f);
	fclose(f);
	FCGX_Init();
	unlink(argv[1]);
	if ((sock = FCGX_OpenSocket(argv[1], 1024)) < 0)
		return 1;
	n = (int)strtol(argv[2], NULL, 10);
	if (n < 1 || n > 64)
		return 2;
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			ceil_sock = sock;
			ceil_body = body;
			ceil_len = len;
			serve_threads(threads);
			_exit(0);
		}
	signal(SIGTERM, SIG_DFL);
	while (wait(NULL) > 0)
		;
	return 0;
}
