/*
 * tools/vt-lock.c - keep the terminal on the kiosk's console:
 *
 *   vt-lock lock | unlock | status [CONSOLE]
 *
 * "lock" stops every switch of virtual terminal (the kernel's VT_LOCKSWITCH): a USB keyboard's
 * Alt+F2 or Alt+Right does nothing, whatever the kiosk is doing at the moment, even while it
 * restarts. "unlock" allows switching again (a technician's keyboard at the console, once
 * sheba-kiosk-console.service is stopped). "status" prints the active console. CONSOLE
 * defaults to /dev/tty0. Locking needs CAP_SYS_TTY_CONFIG (sheba-kiosk-console.service).
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <linux/vt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int vtlock_usage(void)
{
    fprintf(stderr, "usage: vt-lock lock|unlock|status [CONSOLE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return vtlock_usage();
    const char *what = argv[1];
    const char *console = argc == 3 ? argv[2] : "/dev/tty0";
    unsigned long request;
    if (strcmp(what, "lock") == 0)
        request = VT_LOCKSWITCH;
    else if (strcmp(what, "unlock") == 0)
        request = VT_UNLOCKSWITCH;
    else if (strcmp(what, "status") == 0)
        request = VT_GETSTATE;
    else
        return vtlock_usage();
    int fd = open(console, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "vt-lock: %s: %s\n", console, strerror(errno));
        return 1;
    }
    struct vt_stat st;
    int r = request == VT_GETSTATE ? ioctl(fd, VT_GETSTATE, &st) : ioctl(fd, request, 0);
    int saved = errno;
    close(fd);
    if (r != 0) {
        fprintf(stderr, "vt-lock: %s %s: %s\n", what, console, strerror(saved));
        return 1;
    }
    if (request == VT_GETSTATE)
        printf("tty%u\n", (unsigned)st.v_active);
    else
        printf("vt-lock: switching of virtual terminals %s\n",
               request == VT_LOCKSWITCH ? "locked" : "allowed");
    return 0;
}
