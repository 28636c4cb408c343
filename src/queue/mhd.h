/* queue/mhd.h - libmicrohttpd, loaded when a board starts its web server.
 *
 * Only the board serves the counters' web app, yet the kiosk and the board are one program.
 * Linked, libmicrohttpd brings GnuTLS and seven more libraries into every kiosk's start: about
 * 2.5 MB of resident memory and thousands of relocations for a server a kiosk never runs. So
 * the board opens it with dlopen() the first time it starts the server, and calls it through
 * this table; the types come from <microhttpd.h> as before, and the Debian package still
 * depends on libmicrohttpd12.
 */
#ifndef QUEUE_MHD_H
#define QUEUE_MHD_H

#include <microhttpd.h>
#include <stddef.h>

#define QUEUE_MHD_SONAME "libmicrohttpd.so.12"

typedef struct {
    struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
                                       MHD_AcceptPolicyCallback apc, void *apc_cls,
                                       MHD_AccessHandlerCallback dh, void *dh_cls, ...);
    void (*stop_daemon)(struct MHD_Daemon *daemon);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *daemon,
                                                   enum MHD_DaemonInfoType info_type, ...);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *connection,
                                                           enum MHD_ConnectionInfoType info_type,
                                                           ...);
    const char *(*lookup_connection_value)(struct MHD_Connection *connection,
                                           enum MHD_ValueKind kind, const char *key);
    struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
                                                        enum MHD_ResponseMemoryMode mode);
    struct MHD_Response *(*create_response_from_callback)(uint64_t size, size_t block_size,
                                                          MHD_ContentReaderCallback crc,
                                                          void *crc_cls,
                                                          MHD_ContentReaderFreeCallback crfc);
    struct MHD_Response *(*create_response_from_fd)(uint64_t size, int fd);
    enum MHD_Result (*add_response_header)(struct MHD_Response *response, const char *header,
                                           const char *content);
    enum MHD_Result (*queue_response)(struct MHD_Connection *connection, unsigned int status_code,
                                      struct MHD_Response *response);
    void (*destroy_response)(struct MHD_Response *response);
} queue_mhd_t;

/* The table, libmicrohttpd opened on the first call (thread-safe; kept open until exit).
 * NULL with err naming the library and the symbol when it cannot be loaded. */
const queue_mhd_t *queue_mhd_load(char *err, size_t errcap);

#endif
