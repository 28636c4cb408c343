/*
 * printer/printer_usb.c - USB printers through libusb.
 *
 * Found by interface class 7 (printer, subclass 1) or a configured VID:PID; endpoints come
 * from the descriptors, never assumed: the same 0416:5011 clone ships with bulk OUT 0x01 or
 * 0x03. The kernel's usblp driver is detached (and given back afterwards), the configuration
 * is set only when it differs (setting it again resets some clones), and every transfer has
 * a timeout; a write continues from the bytes actually transferred.
 */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer/printer.h"
#include "printer/usb.h"

typedef struct {
    libusb_context *ctx;
    libusb_device_handle *h;
    int iface;
    bool detached;
    usb_printer_info_t info;
} usb_impl_t;

/* The best printer interface of one configuration: bidirectional beats unidirectional;
 * IEEE 1284.4 (protocol 3) and vendor protocols cannot take raw ESC/POS and are skipped. */
static bool scan_config(const struct libusb_config_descriptor *cfg, int index, bool any_class,
                        usb_printer_info_t *best)
{
    bool found = false;
    for (int i = 0; i < cfg->bNumInterfaces; i++) {
        for (int a = 0; a < cfg->interface[i].num_altsetting; a++) {
            const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[a];
            bool printer = d->bInterfaceClass == LIBUSB_CLASS_PRINTER && d->bInterfaceSubClass == 1;
            if ((!printer && !any_class) ||
                (printer && d->bInterfaceProtocol != 1 && d->bInterfaceProtocol != 2))
                continue;
            usb_printer_info_t c = {.config = cfg->bConfigurationValue,
                                    .config_index = index,
                                    .iface = d->bInterfaceNumber,
                                    .altsetting = d->bAlternateSetting,
                                    .protocol = d->bInterfaceProtocol};
            for (int e = 0; e < d->bNumEndpoints; e++) {
                const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];
                if ((ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) != LIBUSB_TRANSFER_TYPE_BULK)
                    continue;
                if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
                    if (!c.ep_in)
                        c.ep_in = ep->bEndpointAddress;
                } else if (!c.ep_out) {
                    c.ep_out = ep->bEndpointAddress;
                }
            }
            /* Protocol 1 printers have no back channel even if an IN endpoint exists. */
            if (printer && c.protocol < 2)
                c.ep_in = 0;
            if (c.ep_out && (!found || c.protocol > best->protocol)) {
                *best = c;
                found = true;
            }
        }
    }
    return found;
}

/* Fill info for dev when it is a printer we may use. */
static bool usable(libusb_device *dev, uint16_t vid, uint16_t pid, usb_printer_info_t *info)
{
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(dev, &dd) != 0 || dd.bNumConfigurations == 0)
        return false;
    bool wanted = vid != 0;
    if (wanted && (dd.idVendor != vid || dd.idProduct != pid))
        return false;
    bool found = false;
    for (int c = 0; c < dd.bNumConfigurations && !found; c++) {
        struct libusb_config_descriptor *cfg;
        if (libusb_get_config_descriptor(dev, (uint8_t)c, &cfg) != 0)
            continue;
        found = scan_config(cfg, c, wanted, info);
        libusb_free_config_descriptor(cfg);
    }
    info->vid = dd.idVendor;
    info->pid = dd.idProduct;
    info->bus = libusb_get_bus_number(dev);
    info->address = libusb_get_device_address(dev);
    info->i_manufacturer = dd.iManufacturer;
    info->i_product = dd.iProduct;
    info->i_serial = dd.iSerialNumber;
    return found;
}

static long usb_write(printer_t *p, const uint8_t *data, size_t n, int timeout_ms)
{
    usb_impl_t *u = p->impl;
    int done = 0;
    /* libusb takes a non-const buffer for both directions; an OUT transfer only reads it. */
    union {
        const uint8_t *in;
        unsigned char *out;
    } buf = {.in = data};
    int rc =
        libusb_bulk_transfer(u->h, u->info.ep_out, buf.out, (int)n, &done, (unsigned)timeout_ms);
    if (rc == 0 || rc == LIBUSB_ERROR_TIMEOUT)
        return done; /* a timeout may still have moved some bytes: count them */
    snprintf(p->detail, sizeof p->detail, "USB write: %s", libusb_strerror(rc));
    return -1;
}

static long usb_read(printer_t *p, uint8_t *data, size_t n, int timeout_ms)
{
    usb_impl_t *u = p->impl;
    int got = 0;
    /* A bulk IN transfer must allow a whole packet, or the host reports an overflow. */
    unsigned char buf[512];
    int rc =
        libusb_bulk_transfer(u->h, u->info.ep_in, buf, (int)sizeof buf, &got, (unsigned)timeout_ms);
    if (rc == LIBUSB_ERROR_TIMEOUT)
        return 0;
    if (rc != 0)
        return -1;
    size_t k = (size_t)got < n ? (size_t)got : n;
    memcpy(data, buf, k);
    return (long)k;
}

static void usb_close(printer_t *p)
{
    usb_impl_t *u = p->impl;
    if (!u)
        return;
    if (u->h) {
        libusb_release_interface(u->h, u->iface);
        if (u->detached)
            libusb_attach_kernel_driver(u->h, u->iface);
        libusb_close(u->h);
    }
    if (u->ctx)
        libusb_exit(u->ctx);
    free(u);
}

static const printer_ops_t usb_ops = {usb_write, usb_read, NULL, usb_close, NULL};
static const printer_ops_t usb_ops_out = {usb_write, NULL, NULL, usb_close, NULL};

/* Detach usblp, set the configuration if needed, claim, pick the alternate setting. */
static int take(printer_t *p, usb_impl_t *u)
{
    int cur = -1, rc;
    if (libusb_kernel_driver_active(u->h, u->iface) == 1) {
        rc = libusb_detach_kernel_driver(u->h, u->iface);
        if (rc != 0 && rc != LIBUSB_ERROR_NOT_FOUND) {
            snprintf(p->detail, sizeof p->detail, "detaching usblp: %s", libusb_strerror(rc));
            return rc;
        }
        u->detached = rc == 0;
    }
    if (libusb_get_configuration(u->h, &cur) != 0 || cur != u->info.config) {
        rc = libusb_set_configuration(u->h, u->info.config);
        if (rc != 0) {
            snprintf(p->detail, sizeof p->detail, "set configuration %d: %s", u->info.config,
                     libusb_strerror(rc));
            return rc;
        }
    }
    rc = libusb_claim_interface(u->h, u->iface);
    if (rc != 0) {
        snprintf(p->detail, sizeof p->detail, "claim interface %d: %s", u->iface,
                 libusb_strerror(rc));
        return rc;
    }
    if (u->info.altsetting)
        libusb_set_interface_alt_setting(u->h, u->iface, u->info.altsetting);
    return 0;
}

static libusb_device_handle *open_first(printer_t *p, usb_impl_t *u)
{
    libusb_device **list;
    ssize_t n = libusb_get_device_list(u->ctx, &list);
    libusb_device_handle *h = NULL;
    int last = 0;
    for (ssize_t i = 0; i < n && !h; i++) {
        usb_printer_info_t info = {0};
        if (!usable(list[i], p->spec.vid, p->spec.pid, &info))
            continue;
        last = libusb_open(list[i], &h);
        if (last == 0)
            u->info = info;
        else
            h = NULL;
    }
    if (n >= 0)
        libusb_free_device_list(list, 1);
    if (!h && last)
        snprintf(p->detail, sizeof p->detail, "cannot open the USB printer: %s",
                 libusb_strerror(last));
    else if (!h && p->spec.vid)
        snprintf(p->detail, sizeof p->detail, "no USB device %04x:%04x found", p->spec.vid,
                 p->spec.pid);
    else if (!h)
        snprintf(p->detail, sizeof p->detail, "no USB printer found");
    return h;
}

printer_result_t printer_usb_open(printer_t *p)
{
    usb_impl_t *u = calloc(1, sizeof *u);
    if (!u)
        return PRINTER_IO;
    p->impl = u;
    p->ops = &usb_ops_out;
    if (libusb_init(&u->ctx) != 0) {
        snprintf(p->detail, sizeof p->detail, "libusb cannot start");
        u->ctx = NULL;
        usb_close(p);
        return PRINTER_NOT_FOUND;
    }
    u->h = open_first(p, u);
    if (!u->h) {
        char keep[sizeof p->detail];
        snprintf(keep, sizeof keep, "%s", p->detail);
        usb_close(p);
        snprintf(p->detail, sizeof p->detail, "%s", keep);
        return PRINTER_NOT_FOUND;
    }
    u->iface = u->info.iface;
    if (take(p, u) != 0) {
        char keep[sizeof p->detail];
        snprintf(keep, sizeof keep, "%s", p->detail);
        usb_close(p);
        snprintf(p->detail, sizeof p->detail, "%s", keep);
        return PRINTER_IO;
    }
    p->ops = u->info.ep_in ? &usb_ops : &usb_ops_out;
    return PRINTER_OK;
}

/* The IEEE 1284 device id: a class request; 2-byte big-endian length first, which some
 * printers send little-endian ("some printers do it wrong", PAPPL). */
static void device_id(libusb_device_handle *h, const usb_printer_info_t *in, char *out, size_t cap)
{
    unsigned char buf[1024];
    out[0] = '\0';
    int n = libusb_control_transfer(
        h, LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_ENDPOINT_IN | LIBUSB_RECIPIENT_INTERFACE, 0,
        (uint16_t)in->config_index, (uint16_t)(in->iface << 8 | in->altsetting), buf, sizeof buf,
        2000);
    if (n < 2)
        return;
    int len = buf[0] << 8 | buf[1];
    if (len < 14 || len > n)
        len = buf[1] << 8 | buf[0];
    if (len > n)
        len = n;
    len -= 2;
    if (len <= 0)
        return;
    snprintf(out, cap, "%.*s", len, (const char *)buf + 2);
}

static void string_desc(libusb_device_handle *h, uint8_t index, char *out, size_t cap)
{
    out[0] = '\0';
    if (!index || libusb_get_string_descriptor_ascii(h, index, (unsigned char *)out, (int)cap) < 0)
        out[0] = '\0';
}

int printer_usb_list(uint16_t vid, uint16_t pid, usb_printer_fn fn, void *ctx, char *err,
                     size_t errcap)
{
    libusb_context *lc;
    if (libusb_init(&lc) != 0) {
        snprintf(err, errcap, "libusb cannot start");
        return -1;
    }
    libusb_device **list;
    ssize_t n = libusb_get_device_list(lc, &list);
    int count = 0;
    for (ssize_t i = 0; i < n; i++) {
        usb_printer_info_t info = {0};
        if (!usable(list[i], vid, pid, &info))
            continue;
        libusb_device_handle *h = NULL;
        if (libusb_open(list[i], &h) == 0) {
            string_desc(h, info.i_manufacturer, info.manufacturer, sizeof info.manufacturer);
            string_desc(h, info.i_product, info.product, sizeof info.product);
            string_desc(h, info.i_serial, info.serial, sizeof info.serial);
            device_id(h, &info, info.device_id, sizeof info.device_id);
            libusb_close(h);
        } else {
            info.cannot_open = true;
        }
        fn(&info, ctx);
        count++;
    }
    if (n >= 0)
        libusb_free_device_list(list, 1);
    libusb_exit(lc);
    return count;
}
