/* queue/mhd.c - libmicrohttpd opened on first use (see mhd.h for why). */
#include "queue/mhd.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static queue_mhd_t table;
static char load_err[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* One symbol into one slot; false (and the reason kept) when it is missing. */
static bool bind_symbol(void *lib, const char *name, void *slot)
{
    void *sym = dlsym(lib, name);
    if (!sym) {
        snprintf(load_err, sizeof load_err, "%s: no symbol %s", QUEUE_MHD_SONAME, name);
        return false;
    }
    /* POSIX guarantees a data pointer from dlsym converts to the function pointer it names. */
    memcpy(slot, &sym, sizeof sym);
    return true;
}

static void load(void)
{
    void *lib = dlopen(QUEUE_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_err, sizeof load_err, "cannot load %s: %s", QUEUE_MHD_SONAME,
                 why ? why : "unknown error");
        return;
    }
    queue_mhd_t t;
    bool ok =
        bind_symbol(lib, "MHD_start_daemon", &t.start_daemon) &&
        bind_symbol(lib, "MHD_stop_daemon", &t.stop_daemon) &&
        bind_symbol(lib, "MHD_get_daemon_info", &t.get_daemon_info) &&
        bind_symbol(lib, "MHD_get_connection_info", &t.get_connection_info) &&
        bind_symbol(lib, "MHD_lookup_connection_value", &t.lookup_connection_value) &&
        bind_symbol(lib, "MHD_create_response_from_buffer", &t.create_response_from_buffer) &&
        bind_symbol(lib, "MHD_create_response_from_callback", &t.create_response_from_callback) &&
        bind_symbol(lib, "MHD_create_response_from_fd", &t.create_response_from_fd) &&
        bind_symbol(lib, "MHD_add_response_header", &t.add_response_header) &&
        bind_symbol(lib, "MHD_queue_response", &t.queue_response) &&
        bind_symbol(lib, "MHD_destroy_response", &t.destroy_response);
    if (!ok) {
        dlclose(lib);
        return;
    }
    table = t;
}

const queue_mhd_t *queue_mhd_load(char *err, size_t errcap)
{
    pthread_once(&once, load);
    if (table.start_daemon)
        return &table;
    snprintf(err, errcap, "%s", load_err);
    return NULL;
}
