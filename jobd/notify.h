/* notify.h: tell the service manager how jobd is doing, by the plain
 * notify-socket protocol (sd_notify(3) without libsystemd): a datagram
 * to the unix socket named in NOTIFY_SOCKET ('@' for the abstract
 * namespace).  Without NOTIFY_SOCKET, nothing is sent. */
#ifndef NOTIFY_H
#define NOTIFY_H

/* notify_send: send state ("READY=1", "STOPPING=1", ...).  Returns 0, or
 * -1 when NOTIFY_SOCKET is set and the message could not be sent. */
int notify_send(const char *state);

#endif
