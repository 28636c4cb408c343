/*
 * tests/fuzz/main.c - runs a fuzz target without libFuzzer, so its corpus and the saved
 * crashing inputs replay in the normal test suite (gcc, with or without ASan/UBSan).
 *
 *   fuzz_TARGET PATH...   each file, or every file in each directory (sorted), once
 *
 * Prints "PASS TARGET/FILE" per input, as tests/run.sh counts them. An input that crashes
 * ends the run with "FAIL TARGET/FILE: ..." first, so the failure is counted and named.
 * Arguments starting with '-' (libFuzzer options) are ignored. Exit status: 0 when every
 * input ran, 1 when a path could not be read.
 */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define HAVE_SANITIZER 1
#endif
#endif
#ifdef HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as with libFuzzer. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *target = "fuzz";
/* The line to print if the current input crashes: made before it runs, so the handlers
 * only write(2) it (nothing else is safe in a signal handler). */
static char fail_line[1200];

static void say_failed(void)
{
    ssize_t n = write(STDOUT_FILENO, fail_line, strlen(fail_line));
    (void)n;
}

static void on_signal(int sig)
{
    say_failed();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Our abort() in a target, and (without sanitizers, which report these themselves)
 * crashes; with sanitizers, their reports end through the death callback. */
static void catch_crashes(void)
{
    signal(SIGABRT, on_signal);
#ifdef HAVE_SANITIZER
    __sanitizer_set_death_callback(say_failed);
#else
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
    signal(SIGILL, on_signal);
#endif
}

/* The whole file in a buffer of exactly its size, so ASan sees a read past the end. */
static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0) {
        printf("FAIL %s/%s: cannot read: %s\n", target, path, strerror(errno));
        if (fp)
            fclose(fp);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size ? size : 1);
    size_t got = data ? fread(data, 1, size, fp) : 0;
    fclose(fp);
    if (!data || got != size) {
        printf("FAIL %s/%s: cannot read it whole\n", target, path);
        free(data);
        return -1;
    }
    snprintf(fail_line, sizeof fail_line, "FAIL %s/%s: the target crashed on it\n", target, path);
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    printf("PASS %s/%s\n", target, path);
    return 0;
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int run_dir(const char *dir)
{
    struct dirent **list;
    int n = scandir(dir, &list, not_hidden, alphasort);
    if (n < 0) {
        printf("FAIL %s/%s: cannot list: %s\n", target, dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(path) < 0)
            rc = -1;
        free(list[i]);
    }
    free(list);
    return rc;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    target = slash ? slash + 1 : argv[0];
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    catch_crashes();
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-')
            continue;
        if (stat(argv[i], &st) != 0) {
            printf("FAIL %s/%s: %s\n", target, argv[i], strerror(errno));
            rc = 1;
        } else if ((S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i])) < 0) {
            rc = 1;
        }
    }
    /* LeakSanitizer reports at exit, after the last input. */
    snprintf(fail_line, sizeof fail_line, "FAIL %s: leaks or a crash at exit\n", target);
    return rc;
}
