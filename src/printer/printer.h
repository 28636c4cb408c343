/*
 * printer/printer.h - one interface to every way a receipt reaches paper.
 *
 *   usb            the first USB printer-class device (interface class 7), via libusb
 *   usb:VID:PID    a given USB device (hex), for printers that do not say they are printers
 *   lp:PATH        the kernel's usblp device (/dev/usb/lp0)
 *   tcp:HOST:PORT  a network printer (raw port 9100)
 *   file:PATH      raw bytes appended to a file
 *   png:DIR        a virtual printer: each receipt becomes DIR/<name>.png
 *
 * A connection is opened per job, so a printer unplugged and plugged back (or a network
 * printer restarted) is simply found again for the next receipt. Every wait has a timeout:
 * a job ends in bounded time whatever the printer does.
 */
#ifndef PRINTER_PRINTER_H
#define PRINTER_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escpos/escpos.h"

/* What a model can do; data in assets/printers/NAME.ini. */
typedef struct {
    char name[64];
    int width_dots; /* 384 for 58 mm, 576 for 80 mm, 512 for TM-T88 */
    int dpi;
    bool cutter;
    bool native_qr;    /* GS ( k works (many clones print it as text) */
    int max_band_rows; /* the tallest GS v 0 band it prints correctly */
    /* It answers DLE EOT when the connection can carry replies (true unless the profile
     * says otherwise). Then a job counts as printed only when the printer confirms it. */
    bool answers_status;
} printer_profile_t;

/* The generic 58 mm profile (what every clone prints). */
void printer_profile_default(printer_profile_t *p);

/* Read a profile INI. 0, or -1 with "FILE:LINE: ..." in err. */
int printer_profile_load(const char *path, printer_profile_t *p, char *err, size_t errcap);

typedef enum { PRINTER_USB, PRINTER_LP, PRINTER_TCP, PRINTER_FILE, PRINTER_PNG } printer_kind_t;

typedef struct {
    printer_kind_t kind;
    char path[512]; /* lp, file, png */
    char host[256]; /* tcp */
    int port;
    uint16_t vid, pid; /* usb: 0 = any printer-class device */
} printer_spec_t;

/* Parse a spec as above. 0, or -1 with a message in err. */
int printer_spec_parse(const char *spec, printer_spec_t *s, char *err, size_t errcap);

/* How a job ended. PRINTER_OK ("printed") means every byte was taken by the transport and,
 * from a printer that answers status, a valid status without error came after the job.
 * PRINTER_UNKNOWN means every byte left but such a printer did not confirm (no reply, or
 * bytes that are not status bytes): the receipt may or may not have come out. Everything
 * else is a named failure. */
typedef enum {
    PRINTER_OK,
    PRINTER_NOT_FOUND, /* no such printer: unplugged, off, wrong address */
    PRINTER_OFFLINE,
    PRINTER_PAPER_OUT,
    PRINTER_COVER_OPEN,
    PRINTER_ERROR,   /* the printer reports an error */
    PRINTER_IO,      /* the connection failed mid-job */
    PRINTER_TIMEOUT, /* it stopped taking data */
    PRINTER_UNKNOWN, /* everything sent, but the printer did not confirm it */
    PRINTER_RESULT_COUNT
} printer_result_t;

/* A short English name ("paper-out") for logs and the journal. */
const char *printer_result_name(printer_result_t r);

typedef struct printer printer_t;

/* The transport behind a connection. */
typedef struct {
    /* Write up to n bytes, waiting at most timeout_ms: bytes written (maybe fewer), or -1. */
    long (*write)(printer_t *p, const uint8_t *data, size_t n, int timeout_ms);
    /* Read up to n bytes, waiting at most timeout_ms: bytes read, 0 on timeout, -1 on error;
     * NULL when the transport cannot read (a file, a unidirectional printer). */
    long (*read)(printer_t *p, uint8_t *data, size_t n, int timeout_ms);
    /* Called once everything is sent (the png: printer writes its file here); 0 or -1 with
     * p->detail set. NULL when there is nothing to finish. */
    int (*finish)(printer_t *p);
    void (*close)(printer_t *p);
    /* Wait until every byte written has really left the host (a TCP peer acknowledged it,
     * usblp finished its last transfer), at most timeout_ms: PRINTER_OK, or a failure with
     * p->detail set. NULL when a finished write already means that (USB, files). */
    printer_result_t (*drain)(printer_t *p, int timeout_ms);
} printer_ops_t;

struct printer {
    const printer_ops_t *ops;
    printer_spec_t spec;
    printer_profile_t profile;
    char name[128];   /* job name: the file name of a png: receipt */
    char detail[800]; /* what went wrong, for the log */
    void *impl;       /* the transport's own state */
};

/* Open the printer for one job; NULL with the reason in *why and detail. */
printer_t *printer_open(const printer_spec_t *spec, const printer_profile_t *profile,
                        const char *job_name, printer_result_t *why, char *detail, size_t cap);

/* Ask DLE EOT 1, 2 and 4 where the printer can answer. 1 when it answered (st filled),
 * 0 when it cannot answer (unidirectional), -1 when it should have but did not: no reply,
 * or a reply whose fixed bits are wrong (0xFF, 0x00...), which is no answer either. */
int printer_query_status(printer_t *p, escpos_status_t *st, int timeout_ms);

/* Send all of data, continuing from the bytes actually taken, within a deadline. */
printer_result_t printer_write_all(printer_t *p, const uint8_t *data, size_t len, int timeout_ms);

void printer_close(printer_t *p);

/* A whole job: open, check the status, send, wait for the transport to deliver, check
 * again, close; sending and delivering must finish within timeout_ms (status questions wait
 * at most 1.5 s each). A printer that reports a problem before the job gets nothing. */
printer_result_t printer_print(const printer_spec_t *spec, const printer_profile_t *profile,
                               const char *job_name, const uint8_t *data, size_t len,
                               int timeout_ms, char *detail, size_t cap);

/* How long a receipt may take to send before the job gives up. */
#define PRINTER_JOB_TIMEOUT_MS 30000

/* Transports (printer_open picks one). Each fills p->ops and p->impl; 0 or a result. */
printer_result_t printer_fd_open(printer_t *p);
printer_result_t printer_usb_open(printer_t *p);
printer_result_t printer_png_open(printer_t *p);

#endif
