/* printer/usb.h - what is known about a USB printer, and listing them (printer-probe). */
#ifndef PRINTER_USB_H
#define PRINTER_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint16_t vid, pid;
    uint8_t bus, address;
    int config, iface, altsetting, protocol; /* protocol 1 = unidirectional, 2 = bidirectional */
    int config_index;                        /* zero-based, as class requests want it */
    uint8_t ep_out, ep_in;                   /* ep_in 0: none (no status can be read) */
    uint8_t i_manufacturer, i_product, i_serial;
    char manufacturer[128], product[128], serial[128];
    char device_id[1024]; /* IEEE 1284: "MFG:...;MDL:...;" */
    bool cannot_open;     /* permissions: see the udev rules */
} usb_printer_info_t;

typedef void (*usb_printer_fn)(const usb_printer_info_t *info, void *ctx);

/* Call fn for each USB printer (or the given VID:PID when vid != 0): count, or -1. */
int printer_usb_list(uint16_t vid, uint16_t pid, usb_printer_fn fn, void *ctx, char *err,
                     size_t errcap);

#endif
