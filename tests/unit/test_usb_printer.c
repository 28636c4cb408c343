/*
 * tests/unit/test_usb_printer.c - the USB transport (printer_usb.c) against an emulated printer.
 *
 * umockdev puts the device into a fake sysfs/udev (the .umockdev files in tests/data/usb) and
 * forwards every ioctl on its node, /dev/bus/usb/001/NNN, to a handler here. That handler plays two
 * parts:
 *   - the kernel's usbfs: capabilities, the usblp driver (bound at plug-in, detached and given
 *     back through USBDEVFS_IOCTL), interface claims, URB queues (submit, reap, discard);
 *   - the printer behind it: it takes what arrives on its bulk OUT endpoint, splits it into
 *     ESC/POS commands and answers each DLE EOT n with one status byte on bulk IN. A test can
 *     make it write short, pause, stall, or be unplugged mid-job.
 * It runs on umockdev's own thread while libusb runs in the test's: all its state is behind one
 * mutex, and a test reads it through a snapshot (observe()).
 *
 * Devices: pos58-clone (a copy of the shared fixture: 0416:5011, class 7, protocol 2, bulk OUT
 * 0x03, IN 0x81), pos58-ep01 (OUT 0x01), pos58-unidirectional (protocol 1, IN still described),
 * pos58-altsettings (hypothetical: the same printer with alternate settings 0 = protocol 1,
 * 1 = protocol 2, 2 = protocol 3 (IEEE 1284.4), as many office printers have), and
 * hub-and-serial (the root hub and a CH340 serial adapter with a bulk OUT: not printers).
 *
 * Run from the repository root under umockdev-wrapper (tests/run.sh does).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <umockdev.h>

#include "escpos/bitmap.h"
#include "escpos/escpos.h"
#include "printer/printer.h"
#include "printer/usb.h"

#define DATA_DIR      "tests/data/usb/"
#define PRINTER_SYSFS "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
#define SERIAL_SYSFS  "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define DEVICE_ID     "MFG:Sheba Test;MDL:POS58;CMD:ESC/POS;"
#define MAX_QUERIES   64

/* The status queries printer_print sends before and after a job: DLE EOT 1, 2 and 4. */
static const uint8_t queries[9] = {0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04};

/* ---- the emulated printer: state ---- */

/* One submitted URB: umockdev's copies of the client's struct usbdevfs_urb and of its buffer.
 * Changes to them reach the client's memory when an ioctl that refers to them completes. */
typedef struct {
    UMockdevIoctlData *urb;
    UMockdevIoctlData *buf; /* NULL for a zero-length URB */
    int taken;              /* OUT bytes the printer has accepted from it so far */
} urb_t;

/* The firmware's view of the OUT stream: whole ESC/POS commands, so that a DLE EOT is recognised
 * where a command starts, never inside raster data. */
typedef struct {
    uint8_t cmd[8];
    int have;    /* bytes of the current command header so far */
    size_t skip; /* data bytes that follow the header (raster rows, a QR payload) */
} parser_t;

/* What the printer and the kernel saw: read by the test through observe(). */
typedef struct {
    int opens;    /* USBDEVFS_GET_CAPABILITIES: libusb asks once per libusb_open */
    int detaches; /* usblp unbound through USBDEVFS_DISCONNECT */
    int attaches; /* usblp bound again through USBDEVFS_CONNECT */
    int claims, releases, set_configs;
    int out_urbs, in_urbs, control_urbs;
    int bad_urbs;    /* URBs for an endpoint the device does not have */
    int busy_urbs;   /* URBs refused because usblp still had the interface */
    int unknown;     /* ioctls this emulation does not know (would be a gap in it) */
    int max_out_urb; /* the most bytes taken from one OUT URB */
    int queries[MAX_QUERIES], n_queries; /* DLE EOT n seen, in order */
    int replies;                         /* status bytes delivered on bulk IN */
    int devid_requests;
    uint16_t devid_wvalue, devid_windex;
    bool usblp_bound, claimed, gone;
} seen_t;

typedef struct {
    GMutex lock; /* the handler runs on umockdev's thread, the test on its own */

    /* Set by the test (under the lock) before a job. */
    uint8_t ep_out, ep_in; /* bulk endpoints as the .umockdev file describes them */
    uint8_t eot[5];        /* the reply to DLE EOT n, n = 1..4 */
    uint8_t eot_late[5];   /* ... once late_at bytes have come in (after the job) */
    long late_at;          /* -1: eot always */
    int max_per_urb;       /* short writes: take at most this many bytes of each OUT URB */
    long stall_at;         /* stop taking OUT data for good at this byte count (-1: never) */
    long pause_at;         /* stop taking OUT data at this byte count for pause_ms */
    int pause_ms;
    long unplug_at;    /* vanish when the OUT data reaches this byte count (-1: never) */
    bool device_id_le; /* send the 1284 id length little-endian, as some printers do */
    UMockdevTestbed *testbed;
    const char *syspath; /* the device in sysfs, for unplugging */

    /* The kernel's side. */
    bool usblp_bound;
    UMockdevIoctlClient *claimant; /* the open file holding interface 0 (usbfs), or NULL */
    int config;
    bool gone;
    GQueue waiting_out; /* OUT URBs not complete yet (the printer is not taking data) */
    GQueue waiting_in;  /* IN URBs waiting for a reply */
    GQueue done;        /* complete, waiting for REAPURB */
    gint64 pause_until; /* g_get_monotonic_time() at which a pause ends; 0: not pausing */

    /* The printer. */
    parser_t parser;
    GByteArray *replies; /* status bytes not sent yet */
    GByteArray *raw;     /* every byte taken from the OUT endpoint, in order */
    GByteArray *job;     /* the same without the DLE EOT queries */
    seen_t seen;
} emu_t;

static void emu_init(emu_t *e, UMockdevTestbed *tb, const char *syspath, uint8_t ep_out,
                     uint8_t ep_in)
{
    memset(e, 0, sizeof *e);
    g_mutex_init(&e->lock);
    e->testbed = tb;
    e->syspath = syspath;
    e->ep_out = ep_out;
    e->ep_in = ep_in;
    memset(e->eot, 0x12, sizeof e->eot); /* online, no error, paper present */
    e->stall_at = e->pause_at = e->unplug_at = e->late_at = -1;
    e->usblp_bound = true; /* Debian binds usblp to every class 7 interface */
    e->config = 1;
    g_queue_init(&e->waiting_out);
    g_queue_init(&e->waiting_in);
    g_queue_init(&e->done);
    e->replies = g_byte_array_new();
    e->raw = g_byte_array_new();
    e->job = g_byte_array_new();
}

static void urb_free(gpointer data)
{
    urb_t *u = data;
    g_object_unref(u->urb);
    if (u->buf)
        g_object_unref(u->buf);
    g_free(u);
}

static void emu_clear_queues(emu_t *e)
{
    g_queue_clear_full(&e->waiting_out, urb_free);
    g_queue_clear_full(&e->waiting_in, urb_free);
    g_queue_clear_full(&e->done, urb_free);
}

static void emu_free(emu_t *e)
{
    emu_clear_queues(e);
    g_clear_object(&e->claimant);
    g_byte_array_unref(e->replies);
    g_byte_array_unref(e->raw);
    g_byte_array_unref(e->job);
    g_mutex_clear(&e->lock);
}

static struct usbdevfs_urb *urb_of(const urb_t *u)
{
    return (struct usbdevfs_urb *)(void *)u->urb->data;
}

/* The client's memory behind the pointer an ioctl was given, copied here; what is changed in
 * the copy is written back when the ioctl completes. NULL when it cannot be read. */
static UMockdevIoctlData *deref(UMockdevIoctlData *arg, size_t len)
{
    GError *err = NULL;
    UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, len, &err);
    g_clear_error(&err);
    return d;
}

/* ---- the kernel's side ---- */

/* usbfs releases an interface when the file that claimed it is closed. */
static bool claimed(emu_t *e)
{
    if (e->claimant && !umockdev_ioctl_client_get_connected(e->claimant))
        g_clear_object(&e->claimant);
    return e->claimant != NULL;
}

/* A URB is finished: the status and length go into the client's URB when it is reaped. */
static void finish(emu_t *e, urb_t *u, int status, int actual)
{
    urb_of(u)->status = status;
    urb_of(u)->actual_length = actual;
    g_queue_push_tail(&e->done, u);
}

/* The cable is pulled. The host controller flushes the endpoints (what was in flight ends with
 * -ESHUTDOWN and can still be reaped), usbfs answers everything else with ENODEV, and udev
 * reports the device gone while it leaves sysfs. */
static void unplug(emu_t *e)
{
    urb_t *u;
    e->gone = true;
    while ((u = g_queue_pop_head(&e->waiting_out)))
        finish(e, u, -ESHUTDOWN, u->taken);
    while ((u = g_queue_pop_head(&e->waiting_in)))
        finish(e, u, -ESHUTDOWN, 0);
    g_clear_object(&e->claimant);
    e->usblp_bound = false;
    /* (the test thread is inside libusb meanwhile, so the testbed is ours to change) */
    umockdev_testbed_uevent(e->testbed, e->syspath, "remove");
    umockdev_testbed_remove_device(e->testbed, e->syspath);
}

/* ---- the printer ---- */

/* A status reply leaves as one short packet, which ends one IN transfer. */
static void send_replies(emu_t *e)
{
    urb_t *u;
    while (e->replies->len > 0 && (u = g_queue_pop_head(&e->waiting_in))) {
        struct usbdevfs_urb *urb = urb_of(u);
        if (!u->buf) { /* a zero-length read gets nothing */
            finish(e, u, 0, 0);
            continue;
        }
        u->buf->data[0] = e->replies->data[0];
        g_byte_array_remove_index(e->replies, 0);
        /* libusb asks usbfs to flag a short IN transfer; usbfs reports it as -EREMOTEIO */
        bool flag = (urb->flags & USBDEVFS_URB_SHORT_NOT_OK) && urb->buffer_length > 1;
        finish(e, u, flag ? -EREMOTEIO : 0, 1);
        e->seen.replies++;
    }
}

/* Length of the command header in c (have bytes so far), 0 when more bytes are needed to tell.
 * Covers what the kiosk sends; any other byte is printable text. */
static int header_length(const uint8_t *c, int have)
{
    switch (c[0]) {
    case 0x10: /* DLE EOT n, DLE ENQ n */
        return have < 2 ? 0 : (c[1] == 0x04 || c[1] == 0x05) ? 3 : 2;
    case 0x1B: /* ESC @, ESC J n, ESC d n, ... */
        return have < 2 ? 0 : c[1] == '@' ? 2 : 3;
    case 0x1D: /* GS v 0 m xL xH yL yH, GS ( k pL pH, GS V m [n] */
        if (have < 2)
            return 0;
        if (c[1] == 'v')
            return 8;
        if (c[1] == '(')
            return 5;
        if (c[1] == 'V')
            return have < 3 ? 0 : (c[2] == 'A' || c[2] == 'B') ? 4 : 3;
        return 3;
    default:
        return 1;
    }
}

/* Data bytes that follow a complete header. */
static size_t payload_length(const uint8_t *c)
{
    if (c[0] == 0x1D && c[1] == 'v')
        return (size_t)(c[4] | c[5] << 8) * (size_t)(c[6] | c[7] << 8);
    if (c[0] == 0x1D && c[1] == '(')
        return (size_t)(c[3] | c[4] << 8);
    return 0;
}

static void take_byte(emu_t *e, uint8_t c)
{
    parser_t *ps = &e->parser;
    g_byte_array_append(e->raw, &c, 1);
    if (ps->skip > 0) {
        ps->skip--;
        g_byte_array_append(e->job, &c, 1);
        return;
    }
    ps->cmd[ps->have++] = c;
    int need = header_length(ps->cmd, ps->have);
    if (need == 0 || ps->have < need)
        return;
    if (ps->cmd[0] == 0x10 && ps->cmd[1] == 0x04) { /* DLE EOT n: real-time status */
        int n = ps->cmd[2];
        if (e->seen.n_queries < MAX_QUERIES)
            e->seen.queries[e->seen.n_queries++] = n;
        bool late = e->late_at >= 0 && e->raw->len > (size_t)e->late_at;
        if (n >= 1 && n <= 4)
            g_byte_array_append(e->replies, late ? &e->eot_late[n] : &e->eot[n], 1);
    } else {
        g_byte_array_append(e->job, ps->cmd, (guint)ps->have);
        ps->skip = payload_length(ps->cmd);
    }
    ps->have = 0;
}

/* Bytes the printer takes right now before it reaches a point where it stops. */
static size_t room(const emu_t *e)
{
    const long stops[] = {e->stall_at, e->pause_at, e->unplug_at};
    size_t r = SIZE_MAX;
    if (e->pause_until)
        return 0;
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        if (stops[i] >= 0)
            r = MIN(r, (size_t)stops[i] > e->raw->len ? (size_t)stops[i] - e->raw->len : 0);
    return r;
}

static bool reached(const emu_t *e, long at)
{
    return at >= 0 && e->raw->len >= (size_t)at;
}

/* Move OUT data into the printer as far as it takes it. URBs on one endpoint complete in
 * order; one the printer stops taking data in waits (on the wire the device NAKs) until the
 * printer resumes or libusb discards it. */
static void take_out(emu_t *e)
{
    urb_t *u;
    while (!e->gone && (u = g_queue_peek_head(&e->waiting_out))) {
        struct usbdevfs_urb *urb = urb_of(u);
        int want = urb->buffer_length;
        if (e->max_per_urb > 0 && e->max_per_urb < want)
            want = e->max_per_urb; /* a short write: the rest is left to the host */
        size_t n = MIN((size_t)(want - u->taken), room(e));
        for (size_t i = 0; i < n; i++)
            take_byte(e, u->buf->data[u->taken + (int)i]);
        u->taken += (int)n;
        send_replies(e);
        if (u->taken == want) {
            g_queue_pop_head(&e->waiting_out);
            e->seen.max_out_urb = MAX(e->seen.max_out_urb, u->taken);
            finish(e, u, 0, u->taken);
            continue;
        }
        if (reached(e, e->unplug_at))
            unplug(e);
        else if (reached(e, e->pause_at) && !e->pause_until)
            e->pause_until = g_get_monotonic_time() + (gint64)e->pause_ms * 1000;
        return;
    }
}

/* A paused printer resumes once its time is up. Called on every ioctl: while libusb waits for
 * a transfer it polls the node (a plain file under umockdev, so always ready) and asks for
 * completed URBs continuously, so this runs within microseconds of the time. */
static void wake(emu_t *e)
{
    if (e->pause_until && g_get_monotonic_time() >= e->pause_until) {
        e->pause_until = 0;
        e->pause_at = -1;
        take_out(e);
    }
}

/* Put a USB string descriptor for s into out. */
static int string_descriptor(const char *s, uint8_t *out)
{
    int n = 2;
    for (; *s && n < 254; s++) {
        out[n++] = (uint8_t)*s;
        out[n++] = 0;
    }
    out[0] = (uint8_t)n;
    out[1] = 3;
    return n;
}

/* Answer a control request on endpoint 0: reply bytes in out (at most cap), or -1 to stall. */
static int control_request(emu_t *e, const uint8_t *setup, uint8_t *out, int cap)
{
    uint8_t type = setup[0], request = setup[1];
    uint16_t value = (uint16_t)(setup[2] | setup[3] << 8);
    uint16_t index = (uint16_t)(setup[4] | setup[5] << 8);
    uint8_t reply[1100];
    int n = -1;
    if (type == 0x80 && request == 6 && value >> 8 == 3) { /* GET_DESCRIPTOR (string) */
        static const char *const strings[] = {NULL, "Sheba Test", "POS58 Printer USB", "SHEBA0001"};
        uint8_t i = (uint8_t)(value & 0xFF);
        if (i == 0)
            n = (reply[0] = 4, reply[1] = 3, reply[2] = 0x09, reply[3] = 0x04, 4); /* en-US */
        else if (i < sizeof strings / sizeof strings[0])
            n = string_descriptor(strings[i], reply);
    } else if (type == 0x80 && request == 8) { /* GET_CONFIGURATION */
        n = (reply[0] = (uint8_t)e->config, 1);
    } else if (type == 0xA1 && request == 0 && index >> 8 == 0) { /* printer GET_DEVICE_ID */
        /* The class spec: wValue = configuration index, wIndex = interface << 8 | altsetting.
         * Clones ignore wValue, and so does this one: the test checks it separately. */
        e->seen.devid_requests++;
        e->seen.devid_wvalue = value;
        e->seen.devid_windex = index;
        size_t len = strlen(DEVICE_ID) + 2;
        reply[e->device_id_le ? 1 : 0] = (uint8_t)(len >> 8);
        reply[e->device_id_le ? 0 : 1] = (uint8_t)len;
        memcpy(reply + 2, DEVICE_ID, len - 2);
        n = (int)len;
    }
    /* anything else (device and configuration descriptors, which libusb reads from sysfs, and
     * class requests this printer lacks) stalls */
    if (n > cap)
        n = cap;
    if (n > 0)
        memcpy(out, reply, (size_t)n);
    return n;
}

/* ---- one function per ioctl: 0 (or a result), or -errno ---- */

static long get_capabilities(emu_t *e, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *d = deref(arg, sizeof(uint32_t));
    if (!d)
        return -EFAULT;
    /* What a typical host controller offers (no scatter-gather): libusb sends a transfer of up
     * to 16 KB as one URB, and the kiosk writes at most 4 KB at a time. */
    uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                    USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
    memcpy(d->data, &caps, sizeof caps);
    g_object_unref(d);
    e->seen.opens++;
    return 0;
}

static long get_driver(emu_t *e, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *d = deref(arg, sizeof(struct usbdevfs_getdriver));
    if (!d)
        return -EFAULT;
    struct usbdevfs_getdriver *gd = (void *)d->data;
    const char *name = NULL;
    if (gd->interface == 0)
        name = claimed(e) ? "usbfs" : e->usblp_bound ? "usblp" : NULL;
    if (name)
        snprintf(gd->driver, sizeof gd->driver, "%s", name);
    g_object_unref(d);
    return name ? 0 : -ENODATA;
}

/* USBDEVFS_IOCTL: libusb detaches and re-attaches the kernel driver through it. */
static long driver_ioctl(emu_t *e, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *d = deref(arg, sizeof(struct usbdevfs_ioctl));
    if (!d)
        return -EFAULT;
    struct usbdevfs_ioctl cmd;
    memcpy(&cmd, d->data, sizeof cmd);
    g_object_unref(d);
    if (cmd.ifno != 0)
        return -EINVAL;
    if (cmd.ioctl_code == (int)USBDEVFS_DISCONNECT) {
        if (!e->usblp_bound && !claimed(e))
            return -ENODATA;
        if (e->usblp_bound)
            e->seen.detaches++;
        e->usblp_bound = false;
        g_clear_object(&e->claimant);
        return 0;
    }
    if (cmd.ioctl_code == (int)USBDEVFS_CONNECT) {
        if (claimed(e) || e->usblp_bound)
            return -EBUSY; /* the interface already has a driver */
        e->usblp_bound = true;
        e->seen.attaches++;
        return 0;
    }
    return -ENOTTY;
}

static long claim_interface(emu_t *e, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *d = deref(arg, sizeof(unsigned int));
    if (!d)
        return -EFAULT;
    unsigned int ifno;
    memcpy(&ifno, d->data, sizeof ifno);
    g_object_unref(d);
    if (ifno != 0)
        return -ENOENT;
    if (claimed(e))
        return e->claimant == client ? 0 : -EBUSY;
    if (e->usblp_bound)
        return -EBUSY;
    e->claimant = g_object_ref(client);
    e->seen.claims++;
    return 0;
}

static long release_interface(emu_t *e, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *d = deref(arg, sizeof(unsigned int));
    if (!d)
        return -EFAULT;
    unsigned int ifno;
    memcpy(&ifno, d->data, sizeof ifno);
    g_object_unref(d);
    if (ifno != 0 || !claimed(e) || e->claimant != client)
        return -EINVAL;
    g_clear_object(&e->claimant);
    e->seen.releases++;
    return 0;
}

/* Setting a configuration, even the current one, re-creates the interfaces: claims are lost
 * and usblp binds again (what "setting it again resets some clones" is about). */
static long set_configuration(emu_t *e, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *d = deref(arg, sizeof(unsigned int));
    if (!d)
        return -EFAULT;
    unsigned int value;
    memcpy(&value, d->data, sizeof value);
    g_object_unref(d);
    if (value > 1)
        return -EINVAL;
    e->seen.set_configs++;
    e->config = (int)value;
    g_clear_object(&e->claimant);
    e->usblp_bound = value == 1;
    return 0;
}

static long submit_urb(emu_t *e, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
    UMockdevIoctlData *ud = deref(arg, sizeof(struct usbdevfs_urb));
    if (!ud)
        return -EFAULT;
    urb_t *u = g_new0(urb_t, 1);
    u->urb = ud;
    struct usbdevfs_urb *urb = urb_of(u);
    if (urb->buffer_length > 0) {
        GError *err = NULL;
        u->buf = umockdev_ioctl_data_resolve(ud, offsetof(struct usbdevfs_urb, buffer),
                                             (gsize)urb->buffer_length, &err);
        g_clear_error(&err);
        if (!u->buf) {
            urb_free(u);
            return -EFAULT;
        }
    }
    bool control = urb->endpoint == 0 && urb->type == USBDEVFS_URB_TYPE_CONTROL;
    bool bulk = urb->type == USBDEVFS_URB_TYPE_BULK &&
                (urb->endpoint == e->ep_out || (e->ep_in && urb->endpoint == e->ep_in));
    if (!control && !bulk) { /* usbfs: no such endpoint in the active configuration */
        e->seen.bad_urbs++;
        urb_free(u);
        return -ENOENT;
    }
    if (control) {
        if (urb->buffer_length < 8) {
            urb_free(u);
            return -EINVAL;
        }
        e->seen.control_urbs++;
        int n = control_request(e, u->buf->data, u->buf->data + 8, urb->buffer_length - 8);
        finish(e, u, n < 0 ? -EPIPE : 0, n < 0 ? 0 : n);
        return 0;
    }
    /* A data endpoint belongs to interface 0: usbfs claims it for an unclaimed file on first
     * use, which fails while usblp has it. */
    if (!claimed(e) && e->usblp_bound) {
        e->seen.busy_urbs++;
        urb_free(u);
        return -EBUSY;
    }
    if (!claimed(e))
        e->claimant = g_object_ref(client);
    else if (e->claimant != client) {
        urb_free(u);
        return -EBUSY;
    }
    if (urb->endpoint == e->ep_out) {
        e->seen.out_urbs++;
        g_queue_push_tail(&e->waiting_out, u);
        take_out(e);
    } else {
        e->seen.in_urbs++;
        g_queue_push_tail(&e->waiting_in, u);
        send_replies(e);
    }
    return 0;
}

/* libusb only uses REAPURBNDELAY; a blocking REAPURB cannot block umockdev's thread, so it is
 * answered the same way. After an unplug the URBs still queued are reaped, then ENODEV. */
static long reap_urb(emu_t *e, UMockdevIoctlData *arg)
{
    if (g_queue_is_empty(&e->done))
        return e->gone ? -ENODEV : -EAGAIN;
    UMockdevIoctlData *slot = deref(arg, sizeof(void *));
    if (!slot)
        return -EFAULT;
    urb_t *u = g_queue_pop_head(&e->done);
    /* The client's pointer now points to its URB, which is written back with its status. */
    umockdev_ioctl_data_set_ptr(slot, 0, u->urb);
    g_object_unref(slot);
    urb_free(u);
    return 0;
}

static bool discard_from(emu_t *e, GQueue *q, gulong addr)
{
    for (GList *l = q->head; l; l = l->next) {
        urb_t *u = l->data;
        if (u->urb->client_addr == addr) {
            g_queue_delete_link(q, l);
            finish(e, u, -ENOENT, u->taken); /* what was sent before the cancel still counts */
            return true;
        }
    }
    return false;
}

/* libusb cancels a transfer that timed out. A URB already complete is not found (EINVAL). */
static long discard_urb(emu_t *e, UMockdevIoctlData *arg)
{
    gulong addr;
    memcpy(&addr, arg->data, sizeof addr); /* the argument is the URB's address itself */
    if (discard_from(e, &e->waiting_out, addr) || discard_from(e, &e->waiting_in, addr)) {
        take_out(e); /* the next OUT URB may go on */
        return 0;
    }
    return -EINVAL;
}

/* umockdev's "handle-ioctl" signal: every ioctl on the device node arrives here. */
static gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user)
{
    (void)base;
    emu_t *e = user;
    unsigned long request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
    long r;
    g_mutex_lock(&e->lock);
    wake(e);
    if (e->gone && request != USBDEVFS_REAPURBNDELAY && request != USBDEVFS_REAPURB)
        r = -ENODEV; /* usbfs after a disconnect: only reaping still works */
    else if (request == USBDEVFS_GET_CAPABILITIES)
        r = get_capabilities(e, arg);
    else if (request == USBDEVFS_GETDRIVER)
        r = get_driver(e, arg);
    else if (request == USBDEVFS_IOCTL)
        r = driver_ioctl(e, arg);
    else if (request == USBDEVFS_CLAIMINTERFACE)
        r = claim_interface(e, client, arg);
    else if (request == USBDEVFS_RELEASEINTERFACE)
        r = release_interface(e, client, arg);
    else if (request == USBDEVFS_SETCONFIGURATION)
        r = set_configuration(e, arg);
    else if (request == USBDEVFS_SUBMITURB)
        r = submit_urb(e, client, arg);
    else if (request == USBDEVFS_REAPURBNDELAY || request == USBDEVFS_REAPURB)
        r = reap_urb(e, arg);
    else if (request == USBDEVFS_DISCARDURB)
        r = discard_urb(e, arg);
    else {
        e->seen.unknown++;
        r = -ENOTTY;
    }
    g_mutex_unlock(&e->lock);
    umockdev_ioctl_client_complete(client, r < 0 ? -1 : r, r < 0 ? (int)-r : 0);
    return TRUE;
}

/* ---- the testbed ---- */

typedef struct {
    UMockdevTestbed *testbed;
    UMockdevIoctlBase *handler;       /* the printer's node */
    UMockdevIoctlBase *other_handler; /* the CH340's node, when plugged */
    emu_t printer, other;
    char node[64];   /* the printer's device node */
    seen_t seen;     /* observe(): a snapshot of printer.seen ... */
    GByteArray *raw; /* ... and of what it took */
    GByteArray *job;
    escpos_buf_t sent; /* the job the test sends */
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    fx->testbed = umockdev_testbed_new();
    fx->handler = umockdev_ioctl_base_new();
    fx->other_handler = umockdev_ioctl_base_new();
    emu_init(&fx->printer, fx->testbed, PRINTER_SYSFS, 0x03, 0x81);
    emu_init(&fx->other, fx->testbed, SERIAL_SYSFS, 0x02, 0x82);
    g_signal_connect(fx->handler, "handle-ioctl", G_CALLBACK(on_ioctl), &fx->printer);
    g_signal_connect(fx->other_handler, "handle-ioctl", G_CALLBACK(on_ioctl), &fx->other);
    fx->raw = g_byte_array_new();
    fx->job = g_byte_array_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    /* The testbed first: it stops umockdev's thread, so no handler runs any more. */
    g_clear_object(&fx->testbed);
    g_clear_object(&fx->handler);
    g_clear_object(&fx->other_handler);
    emu_free(&fx->printer);
    emu_free(&fx->other);
    g_byte_array_unref(fx->raw);
    g_byte_array_unref(fx->job);
    escpos_buf_free(&fx->sent);
    free(fx);
    return 0;
}

/* A device description from tests/data/usb, moved to device number devnum (a replugged device
 * gets a new address; the sysfs path stays, it is the port). */
static char *description(const char *file, int devnum)
{
    char path[256], *text = NULL;
    snprintf(path, sizeof path, DATA_DIR "%s", file);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    char **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    for (char **l = lines; *l; l++) {
        char *line = NULL;
        if (g_str_has_prefix(*l, "N: bus/usb/001/"))
            line = g_strdup_printf("N: bus/usb/001/%03d", devnum);
        else if (g_str_has_prefix(*l, "E: DEVNAME=/dev/bus/usb/001/"))
            line = g_strdup_printf("E: DEVNAME=/dev/bus/usb/001/%03d", devnum);
        else if (g_str_has_prefix(*l, "E: DEVNUM="))
            line = g_strdup_printf("E: DEVNUM=%03d", devnum);
        else if (g_str_has_prefix(*l, "E: MINOR="))
            line = g_strdup_printf("E: MINOR=%d", devnum - 1);
        else if (g_str_has_prefix(*l, "A: devnum="))
            line = g_strdup_printf("A: devnum=%d", devnum);
        if (line) {
            g_free(*l);
            *l = line;
        }
    }
    char *out = g_strjoinv("\n", lines);
    g_strfreev(lines);
    return out;
}

/* Plug the printer described by file in at 001/devnum, its handler attached first so that
 * the node is emulated from the moment the device appears. */
static void plug(fixture_t *fx, const char *file, int devnum, uint8_t ep_out, uint8_t ep_in)
{
    GError *err = NULL;
    g_mutex_lock(&fx->printer.lock);
    fx->printer.ep_out = ep_out;
    fx->printer.ep_in = ep_in;
    g_mutex_unlock(&fx->printer.lock);
    snprintf(fx->node, sizeof fx->node, "/dev/bus/usb/001/%03d", devnum);
    assert_true(umockdev_testbed_attach_ioctl(fx->testbed, fx->node, fx->handler, &err));
    char *text = description(file, devnum);
    bool ok = umockdev_testbed_add_from_string(fx->testbed, text, &err);
    g_free(text);
    if (!ok)
        fail_msg("%s: %s", file, err->message);
}

/* The root hub and a CH340 serial adapter (bulk OUT 0x02, vendor class) next to the printer. */
static void plug_neighbours(fixture_t *fx)
{
    GError *err = NULL;
    assert_true(umockdev_testbed_attach_ioctl(fx->testbed, "/dev/bus/usb/001/005",
                                              fx->other_handler, &err));
    assert_true(
        umockdev_testbed_add_from_file(fx->testbed, DATA_DIR "hub-and-serial.umockdev", &err));
}

/* Plug the same printer back in at a new address: the kernel state starts afresh. */
static void replug(fixture_t *fx, int devnum)
{
    GError *err = NULL;
    emu_t *e = &fx->printer;
    assert_true(umockdev_testbed_detach_ioctl(fx->testbed, fx->node, &err));
    g_mutex_lock(&e->lock);
    emu_clear_queues(e);
    g_clear_object(&e->claimant);
    e->gone = false;
    e->usblp_bound = true;
    e->unplug_at = -1;
    memset(&e->parser, 0, sizeof e->parser);
    g_byte_array_set_size(e->replies, 0);
    g_byte_array_set_size(e->raw, 0);
    g_byte_array_set_size(e->job, 0);
    memset(&e->seen, 0, sizeof e->seen);
    g_mutex_unlock(&e->lock);
    plug(fx, "pos58-clone.umockdev", devnum, 0x03, 0x81);
}

/* Snapshot what the printer saw into fx->seen, fx->raw and fx->job. */
static void observe(fixture_t *fx)
{
    emu_t *e = &fx->printer;
    g_mutex_lock(&e->lock);
    fx->seen = e->seen;
    fx->seen.usblp_bound = e->usblp_bound;
    fx->seen.claimed = e->claimant && umockdev_ioctl_client_get_connected(e->claimant);
    fx->seen.gone = e->gone;
    g_byte_array_set_size(fx->raw, 0);
    g_byte_array_append(fx->raw, e->raw->data, e->raw->len);
    g_byte_array_set_size(fx->job, 0);
    g_byte_array_append(fx->job, e->job->data, e->job->len);
    g_mutex_unlock(&e->lock);
}

/* ---- jobs ---- */

/* A receipt-sized job: ESC @, a 384-dot raster in 24-row bands with blank stretches (ESC J
 * feeds), one row whose bytes read 10 04 01 (DLE EOT 1 inside raster data, which the printer
 * must not take for a query), and a cut. */
static void make_job(escpos_buf_t *b, int rows)
{
    bitmap_t img;
    assert_true(bitmap_init(&img, 384, rows));
    uint32_t seed = 20240611;
    for (int y = 0; y < rows; y++) {
        if (y / 40 % 3 == 2)
            continue;
        for (int i = 0; i < img.stride; i++) {
            seed = seed * 1103515245u + 12345u;
            img.bits[y * img.stride + i] = (uint8_t)(seed >> 24);
        }
    }
    memcpy(img.bits + 5 * img.stride, "\x10\x04\x01", 3);
    escpos_buf_free(b);
    escpos_init(b);
    escpos_raster(b, &img, 24);
    escpos_cut(b, 3, true);
    bitmap_free(&img);
    assert_false(b->failed);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static printer_result_t print_job_within(fixture_t *fx, const char *spec_text, int timeout_ms,
                                         char *detail, size_t cap)
{
    printer_spec_t spec;
    printer_profile_t profile;
    char err[512];
    assert_int_equal(printer_spec_parse(spec_text, &spec, err, sizeof err), 0);
    printer_profile_default(&profile);
    detail[0] = '\0';
    /* the kiosk's own bound (src/printer/printjob.c) */
    return printer_print(&spec, &profile, "usb-test", fx->sent.data, fx->sent.len, timeout_ms,
                         detail, cap);
}

static printer_result_t print_job(fixture_t *fx, const char *spec_text, char *detail, size_t cap)
{
    return print_job_within(fx, spec_text, PRINTER_JOB_TIMEOUT_MS, detail, cap);
}

/* raw == queries + job + queries: the status asked before and after, the job in between. */
static void assert_checked_job(const fixture_t *fx)
{
    const escpos_buf_t *j = &fx->sent;
    assert_int_equal(fx->raw->len, sizeof queries + j->len + sizeof queries);
    assert_memory_equal(fx->raw->data, queries, sizeof queries);
    assert_memory_equal(fx->raw->data + sizeof queries, j->data, j->len);
    assert_memory_equal(fx->raw->data + sizeof queries + j->len, queries, sizeof queries);
    assert_int_equal(fx->job->len, j->len);
    assert_memory_equal(fx->job->data, j->data, j->len);
    assert_int_equal(fx->seen.n_queries, 6);
    assert_int_equal(fx->seen.replies, 6);
}

/* After any job the printer is left as found: interface released, usblp given back, the
 * configuration not touched, and libusb did nothing this emulation does not know. */
static void assert_left_clean(const fixture_t *fx)
{
    assert_false(fx->seen.claimed);
    assert_int_equal(fx->seen.releases, fx->seen.claims);
    assert_true(fx->seen.usblp_bound);
    assert_int_equal(fx->seen.detaches, fx->seen.attaches);
    assert_int_equal(fx->seen.set_configs, 0);
    assert_int_equal(fx->seen.unknown, 0);
    assert_int_equal(fx->seen.bad_urbs, 0);
    assert_int_equal(fx->seen.busy_urbs, 0);
}

/* ---- discovery ---- */

static void test_class_discovery_finds_printer_and_uses_out_0x03(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug_neighbours(fx);
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 120);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    assert_string_equal(detail, "");
    observe(fx);
    assert_checked_job(fx); /* every byte went through OUT 0x03: the only OUT it accepts */
    assert_true(fx->seen.out_urbs > 0);
    /* Per status check: one read to drain any late reply, then one per question (1, 2, 4). */
    assert_int_equal(fx->seen.in_urbs, 8);
    assert_int_equal(fx->seen.opens, 1);
    assert_int_equal(fx->seen.detaches, 1); /* usblp had it, and got it back afterwards */
    assert_int_equal(fx->seen.claims, 1);
    assert_left_clean(fx);
    /* The serial adapter has a bulk OUT too, but is not a printer: never opened. */
    g_mutex_lock(&fx->other.lock);
    int other_opens = fx->other.seen.opens, other_urbs = fx->other.seen.out_urbs;
    g_mutex_unlock(&fx->other.lock);
    assert_int_equal(other_opens, 0);
    assert_int_equal(other_urbs, 0);
}

static void test_out_endpoint_0x01_variant(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-ep01.umockdev", 2, 0x01, 0x81);
    make_job(&fx->sent, 60);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    observe(fx);
    assert_checked_job(fx);
    assert_left_clean(fx);
}

static void test_vid_pid_spec(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug_neighbours(fx);
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 60);
    assert_int_equal(print_job(fx, "usb:0416:5011", detail, sizeof detail), PRINTER_OK);
    observe(fx);
    assert_checked_job(fx);
    assert_left_clean(fx);
}

static void test_unknown_vid_pid_is_not_found(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug_neighbours(fx);
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 24);
    double t0 = now_s();
    assert_int_equal(print_job(fx, "usb:1234:5678", detail, sizeof detail), PRINTER_NOT_FOUND);
    assert_true(now_s() - t0 < 5.0);
    assert_non_null(strstr(detail, "no USB device 1234:5678 found"));
    observe(fx);
    assert_int_equal(fx->seen.opens, 0); /* the printer that is there is left alone */
    assert_int_equal(fx->raw->len, 0);
}

/* ---- the job ---- */

static void test_whole_job_arrives_byte_exact(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 600); /* about 19 KB: several 4 KB writes */
    assert_true(fx->sent.len > 16384);
    /* the raster really does contain DLE EOT 1, which the printer must not answer */
    assert_non_null(memmem(fx->sent.data, fx->sent.len, "\x10\x04\x01", 3));
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    observe(fx);
    assert_checked_job(fx);
    static const int asked[] = {1, 2, 4, 1, 2, 4};
    for (int i = 0; i < 6; i++)
        assert_int_equal(fx->seen.queries[i], asked[i]);
    assert_left_clean(fx);
}

static void test_short_writes_still_deliver_everything_in_order(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.max_per_urb = 17;
    g_mutex_unlock(&fx->printer.lock);
    make_job(&fx->sent, 200);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    observe(fx);
    assert_checked_job(fx);
    assert_int_equal(fx->seen.max_out_urb, 17);
    assert_true(fx->seen.out_urbs >= (int)(fx->sent.len / 17));
    assert_left_clean(fx);
}

/* The printer stops taking data for several seconds mid-job (buffer full while it prints), so
 * a write times out after part of it went through; the job must go on from the bytes really
 * taken: nothing repeated, nothing lost. */
static void test_write_timeout_continues_from_bytes_taken(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 200);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.pause_at = (long)sizeof queries + 1000; /* inside the first 4 KB write */
    fx->printer.pause_ms = 6000;                        /* longer than one write may wait */
    g_mutex_unlock(&fx->printer.lock);
    double t0 = now_s();
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    double took = now_s() - t0;
    print_message("# paused printer: job printed in %.1f s\n", took);
    assert_true(took >= 5.0 && took < 20.0);
    observe(fx);
    assert_checked_job(fx);
    assert_left_clean(fx);
}

/* ---- status ---- */

static void test_paper_out_before_the_job_sends_nothing(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.eot[1] = 0x1A; /* offline */
    fx->printer.eot[2] = 0x32; /* stopped by paper end */
    fx->printer.eot[4] = 0x7E; /* paper near end and end */
    g_mutex_unlock(&fx->printer.lock);
    make_job(&fx->sent, 60);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_PAPER_OUT);
    assert_non_null(strstr(detail, "paper-out"));
    observe(fx);
    assert_int_equal(fx->raw->len, sizeof queries); /* the three queries, no raster */
    assert_memory_equal(fx->raw->data, queries, sizeof queries);
    assert_int_equal(fx->job->len, 0);
    assert_left_clean(fx);
}

static void test_cover_open(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.eot[1] = 0x1A; /* a printer with its cover open is offline ... */
    fx->printer.eot[2] = 0x16; /* ... because of the cover */
    g_mutex_unlock(&fx->printer.lock);
    make_job(&fx->sent, 60);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_COVER_OPEN);
    assert_non_null(strstr(detail, "cover-open"));
    observe(fx);
    assert_int_equal(fx->raw->len, sizeof queries);
    assert_int_equal(fx->job->len, 0);
    assert_left_clean(fx);
}

static void test_unidirectional_prints_without_asking_status(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-unidirectional.umockdev", 2, 0x03, 0x81);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.eot[2] = 0x32; /* it would say paper out, but nobody may ask */
    g_mutex_unlock(&fx->printer.lock);
    make_job(&fx->sent, 120);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    observe(fx);
    assert_int_equal(fx->raw->len, fx->sent.len); /* exactly the job, no DLE EOT */
    assert_memory_equal(fx->raw->data, fx->sent.data, fx->sent.len);
    assert_int_equal(fx->seen.n_queries, 0);
    assert_int_equal(fx->seen.in_urbs, 0); /* the IN endpoint is described but not used */
    assert_left_clean(fx);
}

/* Replies whose fixed bits are wrong (0xFF, 0x00: a confused firmware, a line that floats)
 * are no answer. The job goes out, since the receipt may still print, but nothing confirms
 * it: "unknown", never "printed". */
static void bad_status_bytes(fixture_t *fx, uint8_t bad)
{
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 120);
    g_mutex_lock(&fx->printer.lock);
    memset(fx->printer.eot, bad, sizeof fx->printer.eot);
    g_mutex_unlock(&fx->printer.lock);
    printer_result_t r = print_job(fx, "usb", detail, sizeof detail);
    print_message("# status 0x%02X: %s (%s)\n", bad, printer_result_name(r), detail);
    assert_int_equal(r, PRINTER_UNKNOWN);
    assert_non_null(strstr(detail, "is not a status byte"));
    observe(fx);
    /* The first question's answer was already wrong: one question, the job, one. */
    assert_int_equal(fx->raw->len, 3 + fx->sent.len + 3);
    assert_int_equal(fx->job->len, fx->sent.len);
    assert_memory_equal(fx->job->data, fx->sent.data, fx->sent.len);
    assert_left_clean(fx);
}

static void test_status_0xff_is_not_printed(void **state)
{
    bad_status_bytes(*state, 0xFF);
}

static void test_status_0x00_is_not_printed(void **state)
{
    bad_status_bytes(*state, 0x00);
}

/* Valid answers before the job, garbage after it: the printer could not confirm. */
static void test_garbage_after_the_job_is_unknown(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 120);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.late_at = (long)(sizeof queries + fx->sent.len);
    memset(fx->printer.eot_late, 0xFF, sizeof fx->printer.eot_late);
    g_mutex_unlock(&fx->printer.lock);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_UNKNOWN);
    assert_non_null(strstr(detail, "did not confirm"));
    observe(fx);
    assert_int_equal(fx->job->len, fx->sent.len);
    assert_left_clean(fx);
}

/* Ready before the job, out of paper after it (the roll ran out while printing): the
 * receipt is cut short, so it is not printed. */
static void test_paper_out_after_the_job(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 120);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.late_at = (long)(sizeof queries + fx->sent.len);
    fx->printer.eot_late[1] = 0x1A;
    fx->printer.eot_late[2] = 0x32;
    fx->printer.eot_late[4] = 0x7E;
    g_mutex_unlock(&fx->printer.lock);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_PAPER_OUT);
    assert_non_null(strstr(detail, "paper-out"));
    observe(fx);
    assert_checked_job(fx); /* the whole job went out between the two sets of questions */
    assert_left_clean(fx);
}

/* ---- a printer that stops, or goes away ---- */

static void test_stalled_endpoint_ends_in_bounded_time(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 200);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.stall_at = (long)sizeof queries + 1000;
    g_mutex_unlock(&fx->printer.lock);
    double t0 = now_s();
    /* A 4 s deadline instead of the kiosk's 30 s: the mechanism is the same, the test quicker. */
    printer_result_t r = print_job_within(fx, "usb", 4000, detail, sizeof detail);
    double took = now_s() - t0;
    print_message("# stalled endpoint: %s after %.1f s (%s)\n", printer_result_name(r), took,
                  detail);
    assert_true(r == PRINTER_TIMEOUT || r == PRINTER_IO);
    assert_true(took < 4.0 + 2 * 1.5 + 1.0); /* the deadline, the status questions, slack */
    assert_true(detail[0] != '\0');
    observe(fx);
    /* what it took is exactly the start of the stream: the queries and 1000 job bytes */
    assert_int_equal(fx->raw->len, sizeof queries + 1000);
    assert_memory_equal(fx->raw->data + sizeof queries, fx->sent.data, 1000);
    assert_left_clean(fx);
}

static void test_unplug_mid_job_then_replug(void **state)
{
    fixture_t *fx = *state;
    char detail[800];
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    make_job(&fx->sent, 300);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.unplug_at = (long)sizeof queries + 5000; /* in the second 4 KB write */
    g_mutex_unlock(&fx->printer.lock);
    double t0 = now_s();
    printer_result_t r = print_job(fx, "usb", detail, sizeof detail);
    double took = now_s() - t0;
    print_message("# unplugged mid-job: %s after %.2f s (%s)\n", printer_result_name(r), took,
                  detail);
    assert_true(r == PRINTER_IO || r == PRINTER_NOT_FOUND);
    assert_true(took < 40.0);
    assert_true(detail[0] != '\0');
    observe(fx);
    assert_true(fx->seen.gone);
    assert_int_equal(fx->raw->len, sizeof queries + 5000);
    assert_memory_equal(fx->raw->data + sizeof queries, fx->sent.data, 5000);
    assert_int_equal(fx->seen.unknown, 0);

    /* While it is away: not found, quickly. */
    t0 = now_s();
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_NOT_FOUND);
    assert_true(now_s() - t0 < 5.0);

    /* Plugged back in (a new address, as the kernel gives): the next job prints. */
    replug(fx, 3);
    assert_int_equal(print_job(fx, "usb", detail, sizeof detail), PRINTER_OK);
    observe(fx);
    assert_checked_job(fx);
    assert_false(fx->seen.gone);
    assert_left_clean(fx);
}

/* ---- printer_usb_list (printer-probe) ---- */

typedef struct {
    int n;
    usb_printer_info_t info[4];
} listing_t;

static void collect(const usb_printer_info_t *info, void *ctx)
{
    listing_t *l = ctx;
    if (l->n < 4)
        l->info[l->n] = *info;
    l->n++;
}

static void test_list_reports_the_printer(void **state)
{
    fixture_t *fx = *state;
    listing_t l = {0};
    char err[256] = "";
    plug_neighbours(fx);
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    assert_int_equal(printer_usb_list(0, 0, collect, &l, err, sizeof err), 1);
    assert_int_equal(l.n, 1);
    const usb_printer_info_t *p = &l.info[0];
    assert_int_equal(p->vid, 0x0416);
    assert_int_equal(p->pid, 0x5011);
    assert_int_equal(p->bus, 1);
    assert_int_equal(p->address, 2);
    assert_int_equal(p->ep_out, 0x03);
    assert_int_equal(p->ep_in, 0x81);
    assert_int_equal(p->protocol, 2);
    assert_int_equal(p->config, 1);
    assert_int_equal(p->iface, 0);
    assert_false(p->cannot_open);
    assert_string_equal(p->manufacturer, "Sheba Test");
    assert_string_equal(p->product, "POS58 Printer USB");
    assert_string_equal(p->serial, "SHEBA0001");
    assert_string_equal(p->device_id, DEVICE_ID);
    observe(fx);
    assert_int_equal(fx->seen.devid_requests, 1);
    /* listing does not take the printer from usblp (the kernel lets GET_DEVICE_ID through) */
    assert_int_equal(fx->seen.detaches, 0);
    assert_int_equal(fx->seen.claims, 0);
    assert_true(fx->seen.usblp_bound);
    assert_int_equal(fx->seen.unknown, 0);

    l.n = 0;
    assert_int_equal(printer_usb_list(0x0416, 0x5011, collect, &l, err, sizeof err), 1);
    assert_int_equal(l.info[0].ep_out, 0x03);
    l.n = 0;
    assert_int_equal(printer_usb_list(0x1234, 0x5678, collect, &l, err, sizeof err), 0);
    assert_int_equal(l.n, 0);
}

static void test_list_reads_a_little_endian_device_id(void **state)
{
    fixture_t *fx = *state;
    listing_t l = {0};
    char err[256] = "";
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    g_mutex_lock(&fx->printer.lock);
    fx->printer.device_id_le = true;
    g_mutex_unlock(&fx->printer.lock);
    assert_int_equal(printer_usb_list(0, 0, collect, &l, err, sizeof err), 1);
    assert_string_equal(l.info[0].device_id, DEVICE_ID);
}

/* USB printer class 1.1, GET_DEVICE_ID: wValue is the configuration *index* (zero-based, as
 * usblp, CUPS and PAPPL send), wIndex the interface in the high byte and the alternate setting
 * in the low byte. Clones ignore wValue; stricter firmware stalls a wrong one. */
static void test_device_id_request_follows_the_class_spec(void **state)
{
    fixture_t *fx = *state;
    listing_t l = {0};
    char err[256] = "";
    plug(fx, "pos58-clone.umockdev", 2, 0x03, 0x81);
    assert_int_equal(printer_usb_list(0, 0, collect, &l, err, sizeof err), 1);
    observe(fx);
    assert_int_equal(fx->seen.devid_requests, 1);
    assert_int_equal(fx->seen.devid_windex, 0x0000);
    assert_int_equal(fx->seen.devid_wvalue, 0); /* the first (only) configuration */
}

/* A printer with alternate settings for protocol 1, 2 and 3: raw ESC/POS goes over protocol 2
 * (bidirectional). Protocol 3 is IEEE 1284.4, a packet protocol raw bytes do not speak (CUPS
 * and PAPPL take only 1 and 2). */
static void test_discovery_prefers_protocol_2_over_1284_4(void **state)
{
    fixture_t *fx = *state;
    listing_t l = {0};
    char err[256] = "";
    plug(fx, "pos58-altsettings.umockdev", 2, 0x01, 0x82);
    assert_int_equal(printer_usb_list(0, 0, collect, &l, err, sizeof err), 1);
    assert_int_equal(l.info[0].protocol, 2);
    assert_int_equal(l.info[0].altsetting, 1);
    assert_int_equal(l.info[0].ep_out, 0x01);
    assert_int_equal(l.info[0].ep_in, 0x82);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_class_discovery_finds_printer_and_uses_out_0x03),
        T(test_out_endpoint_0x01_variant),
        T(test_vid_pid_spec),
        T(test_unknown_vid_pid_is_not_found),
        T(test_whole_job_arrives_byte_exact),
        T(test_short_writes_still_deliver_everything_in_order),
        T(test_write_timeout_continues_from_bytes_taken),
        T(test_paper_out_before_the_job_sends_nothing),
        T(test_cover_open),
        T(test_unidirectional_prints_without_asking_status),
        T(test_status_0xff_is_not_printed),
        T(test_status_0x00_is_not_printed),
        T(test_garbage_after_the_job_is_unknown),
        T(test_paper_out_after_the_job),
        T(test_stalled_endpoint_ends_in_bounded_time),
        T(test_unplug_mid_job_then_replug),
        T(test_list_reports_the_printer),
        T(test_list_reads_a_little_endian_device_id),
        T(test_device_id_request_follows_the_class_spec),
        T(test_discovery_prefers_protocol_2_over_1284_4),
    };
    /* umockdev's preload library must see libusb's sysfs reads and ioctls */
    const char *preload = getenv("LD_PRELOAD");
    if (!preload || !strstr(preload, "umockdev-preload")) {
        fprintf(stderr, "run under umockdev-wrapper (tests/run.sh does)\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
