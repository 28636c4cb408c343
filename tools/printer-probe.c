/*
 * tools/printer-probe.c - what USB printers are attached, for technicians:
 *
 *   printer-probe [--status] [VID:PID]
 *
 * For each printer: VID:PID, bus and address, maker and model strings, the IEEE 1284 device
 * id, the interface and its bulk endpoints, and with --status what the printer says about
 * itself (DLE EOT 1/2/4: online, cover, paper). Exit status 1 when none is found.
 */
#include <stdio.h>
#include <string.h>

#include "printer/printer.h"
#include "printer/usb.h"

typedef struct {
    bool status;
} probe_t;

static void show_status(const usb_printer_info_t *in)
{
    printer_spec_t spec = {.kind = PRINTER_USB, .vid = in->vid, .pid = in->pid};
    printer_profile_t prof;
    printer_profile_default(&prof);
    printer_result_t why;
    char detail[800];
    printer_t *p = printer_open(&spec, &prof, "probe", &why, detail, sizeof detail);
    if (!p) {
        printf("  status:      cannot open: %s\n", detail);
        return;
    }
    escpos_status_t st;
    int q = printer_query_status(p, &st, 1500);
    if (q == 0)
        printf("  status:      not available (unidirectional)\n");
    else if (q < 0)
        printf("  status:      no answer (%s)\n", p->detail);
    else
        printf("  status:      %s%s%s%s%s\n", st.online ? "online" : "offline",
               st.cover_open ? ", cover open" : "", st.paper_out ? ", paper out" : "",
               st.paper_near_end ? ", paper near end" : "", st.error ? ", error" : "");
    printer_close(p);
}

static void show(const usb_printer_info_t *in, void *ctx)
{
    const probe_t *pr = ctx;
    printf("%04x:%04x  bus %03u device %03u\n", in->vid, in->pid, in->bus, in->address);
    if (in->cannot_open) {
        printf("  (cannot open it: run as root or install the udev rules)\n");
        return;
    }
    printf("  maker:       %s\n  model:       %s\n  serial:      %s\n",
           in->manufacturer[0] ? in->manufacturer : "-", in->product[0] ? in->product : "-",
           in->serial[0] ? in->serial : "-");
    printf("  device id:   %s\n", in->device_id[0] ? in->device_id : "-");
    printf("  interface:   config %d, interface %d, alt %d, protocol %d (%s)\n", in->config,
           in->iface, in->altsetting, in->protocol,
           in->protocol >= 2 ? "bidirectional" : "unidirectional");
    printf("  endpoints:   bulk out 0x%02x, bulk in %s", in->ep_out, in->ep_in ? "" : "none\n");
    if (in->ep_in)
        printf("0x%02x\n", in->ep_in);
    if (pr->status)
        show_status(in);
}

int main(int argc, char **argv)
{
    probe_t pr = {0};
    unsigned vid = 0, pid = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0) {
            pr.status = true;
        } else if (sscanf(argv[i], "%4x:%4x", &vid, &pid) != 2) {
            fprintf(stderr, "usage: printer-probe [--status] [VID:PID]\n");
            return 2;
        }
    }
    char err[256];
    int n = printer_usb_list((uint16_t)vid, (uint16_t)pid, show, &pr, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "printer-probe: %s\n", err);
        return 1;
    }
    if (n == 0)
        printf("no USB printer found\n");
    return n > 0 ? 0 : 1;
}
