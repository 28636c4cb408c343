/* tests/unit/test_speech.c - the speech engine with the real eSpeak NG and real SDL audio
 * drivers: "none" (no playback: what --audio-out runs use), SDL's "disk" driver (plays in
 * simulated real time into a file, which shows exactly what was heard and in what order) and
 * "dummy". Every test checks the WAV files and speech.log that --audio-out writes. Times are
 * simulated unix times (2026-11-29 10:30 in Dhaka is 1795926600). */
#define _GNU_SOURCE /* memmem, mkdtemp */
#include "speech/speech.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define T0 1795926600 /* 2026-11-29T10:30:00+06:00 */

typedef struct {
    speech_t *sp; /* the engine open, closed by teardown if a test fails */
    char dir[64];
    char out[96];   /* --audio-out */
    char clips[96]; /* a clips folder */
    char played[96];
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_speech-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->out, sizeof f->out, "%s/out", f->dir);
    snprintf(f->clips, sizeof f->clips, "%s/voice", f->dir);
    snprintf(f->played, sizeof f->played, "%s/played.raw", f->dir);
    /* Each test picks its own audio driver; none leaks into the next. */
    unsetenv("SDL_AUDIODRIVER");
    unsetenv("SDL_DISKAUDIODELAY");
    *state = f;
    return 0;
}

/* Close the fixture's engine (the test's, or the one a failed test left open). */
static void close_engine(fixture_t *f)
{
    speech_close(f->sp);
    f->sp = NULL;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    close_engine(f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static speech_t *open_engine(fixture_t *f, const char *device, const char *clips)
{
    assert_null(f->sp);
    speech_options_t o = {.clips_dir = clips, .audio_out = f->out, .device = device, .volume = 100};
    char err[512] = "";
    speech_t *sp = speech_open(&o, err, sizeof err);
    if (!sp)
        print_error("speech_open: %s\n", err);
    assert_non_null(sp);
    f->sp = sp;
    return sp;
}

/* SDL's disk driver: it plays in real time (or delay_ms per 1024 samples) into a file. */
static speech_t *open_disk(fixture_t *f, const char *delay_ms)
{
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", f->played, 1);
    if (delay_ms)
        setenv("SDL_DISKAUDIODELAY", delay_ms, 1);
    speech_t *sp = open_engine(f, NULL, NULL);
    speech_stats_t st;
    speech_stats(sp, &st);
    assert_true(st.playback);
    return sp;
}

static void *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, fp);
    b[*len] = '\0';
    fclose(fp);
    return b;
}

static uint32_t u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read out/NNNN-lang.wav and check its header field by field (not with the engine's own
 * reader): canonical 44-byte PCM header, 22050 Hz, mono, 16-bit, sizes matching the file,
 * so the file is whole. The samples (free them) and their count. */
static int16_t *read_wav(const fixture_t *f, int number, const char *lang, size_t *count)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%04d-%s.wav", f->out, number, lang);
    size_t len;
    uint8_t *b = read_all(path, &len);
    if (!b) {
        print_error("%s is missing\n", path);
        fail();
    }
    assert_true(len > 44);
    assert_memory_equal(b, "RIFF", 4);
    assert_int_equal(u32(b + 4), len - 8);
    assert_memory_equal(b + 8, "WAVEfmt ", 8);
    assert_int_equal(u32(b + 16), 16);
    assert_int_equal(b[20] | b[21] << 8, 1); /* PCM */
    assert_int_equal(b[22] | b[23] << 8, 1); /* mono */
    assert_int_equal(u32(b + 24), 22050);
    assert_int_equal(u32(b + 28), 44100);
    assert_int_equal(b[34] | b[35] << 8, 16);
    assert_memory_equal(b + 36, "data", 4);
    assert_int_equal(u32(b + 40), len - 44);
    *count = (len - 44) / 2;
    int16_t *pcm = malloc(*count * sizeof *pcm);
    for (size_t i = 0; i < *count; i++)
        pcm[i] = (int16_t)(b[44 + 2 * i] | b[45 + 2 * i] << 8);
    free(b);
    return pcm;
}

static double rms(const int16_t *pcm, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)pcm[i] * pcm[i];
    return n ? sqrt(sum / (double)n) : 0;
}

static bool file_exists(const fixture_t *f, int number, const char *lang)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%04d-%s.wav", f->out, number, lang);
    return access(path, F_OK) == 0;
}

static char *read_log(const fixture_t *f)
{
    char path[160];
    size_t len;
    snprintf(path, sizeof path, "%s/speech.log", f->out);
    char *log = read_all(path, &len);
    return log ? log : calloc(1, 1);
}

static void assert_log(const fixture_t *f, const char *want)
{
    char *log = read_log(f);
    if (strcmp(log, want) != 0) {
        print_error("speech.log:\n%s\nwant:\n%s\n", log, want);
        fail();
    }
    free(log);
}

static speech_stats_t stats(speech_t *sp)
{
    speech_stats_t st;
    speech_stats(sp, &st);
    return st;
}

static void say_call(speech_t *sp, lang_t lang, const char *token, int counter, int64_t t,
                     unsigned flags)
{
    speech_phrase_t p;
    assert_int_equal(speech_phrase_call(&p, lang, token, counter), 0);
    assert_int_equal(speech_say_phrase(sp, &p, t, flags), 0);
}

/* Samples of a 440 Hz sine (the test "recordings"), little-endian, as a WAV file. */
static void write_clip(const char *path, int rate, int channels, double seconds, int bits)
{
    size_t n = (size_t)(rate * seconds);
    size_t bytes = n * (size_t)channels * (size_t)(bits / 8);
    uint8_t *b = calloc(1, 44 + bytes);
    memcpy(b, "RIFF", 4);
    uint32_t v = (uint32_t)(36 + bytes);
    memcpy(b + 4, &v, 4);
    memcpy(b + 8, "WAVEfmt ", 8);
    v = 16;
    memcpy(b + 16, &v, 4);
    uint16_t h = 1;
    memcpy(b + 20, &h, 2);
    h = (uint16_t)channels;
    memcpy(b + 22, &h, 2);
    v = (uint32_t)rate;
    memcpy(b + 24, &v, 4);
    v = (uint32_t)(rate * channels * bits / 8);
    memcpy(b + 28, &v, 4);
    h = (uint16_t)(channels * bits / 8);
    memcpy(b + 32, &h, 2);
    h = (uint16_t)bits;
    memcpy(b + 34, &h, 2);
    memcpy(b + 36, "data", 4);
    v = (uint32_t)bytes;
    memcpy(b + 40, &v, 4);
    for (size_t i = 0; bits == 16 && i < n * (size_t)channels; i++) {
        int16_t s = (int16_t)(12000 * sin(2 * 3.14159265358979 * 440 * (double)i / rate));
        b[44 + 2 * i] = (uint8_t)s;
        b[45 + 2 * i] = (uint8_t)((uint16_t)s >> 8);
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(b, 1, 44 + bytes, fp), 44 + bytes);
    fclose(fp);
    free(b);
}

static void make_clips(const fixture_t *f, const char *lang, const char *const *keys, int n,
                       int rate)
{
    char path[256];
    mkdir(f->clips, 0700);
    snprintf(path, sizeof path, "%s/%s", f->clips, lang);
    mkdir(path, 0700);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s/%s.wav", f->clips, lang, keys[i]);
        write_clip(path, rate, 1, 0.2, 16);
    }
}

/* ---- shutdown ---- */

static int threads(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* The first engine of a process (the kiosk's only one) leaves no thread behind, eSpeak NG's
 * own included. It must run first: later engines keep eSpeak NG running (see speech.c). */
static void test_first_engine_closes_without_a_thread_left(void **state)
{
    fixture_t *f = *state;
    int before = threads();
    speech_t *sp = open_engine(f, "none", NULL);
    assert_true(threads() > before);
    speech_say_text(sp, LANG_EN, "bye", T0, 0);
    close_engine(f);
    /* Under qemu-user a joined thread's host task can take a moment to go. */
    for (int i = 0; i < 100 && threads() > before; i++)
        usleep(10000);
    assert_int_equal(threads(), before);
    size_t n;
    int16_t *pcm = read_wav(f, 1, "en", &n); /* and the file is whole */
    assert_true(rms(pcm, n) > 1000);
    free(pcm);
}

/* ---- synthesis ---- */

static void test_bangla_and_english_synthesis_is_speech(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    assert_int_equal(speech_say_text(sp, LANG_BN, "আপনার সেবা বেছে নিন", T0, 0), 0);
    assert_int_equal(speech_say_text(sp, LANG_EN, "Choose a service", T0 + 1, 0), 0);
    assert_true(speech_wait_idle(sp, 20000));
    speech_stats_t st = stats(sp);
    assert_false(st.playback);
    assert_int_equal(st.said, 2);
    assert_int_equal(st.cache_misses, 2);
    close_engine(f);
    static const char *const langs[] = {"bn", "en"};
    for (int i = 0; i < 2; i++) {
        size_t n;
        int16_t *pcm = read_wav(f, i + 1, langs[i], &n);
        /* Half a second at least, and loud: speech, not a click or silence. */
        assert_true(n > 22050 / 2);
        assert_true(rms(pcm, n) > 1000);
        free(pcm);
    }
    assert_log(f, "2026-11-29T10:30:00+06:00\tbn\tআপনার সেবা বেছে নিন\n"
                  "2026-11-29T10:30:01+06:00\ten\tChoose a service\n");
}

static void test_board_call_files_and_log(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    say_call(sp, LANG_BN, "B-012", 2, T0, SPEECH_CHIME);
    say_call(sp, LANG_EN, "B-012", 2, T0, 0);
    say_call(sp, LANG_BN, "B-012", 2, T0 + 86400 + 3599, 0); /* the next day, 11:29:59 */
    assert_true(speech_wait_idle(sp, 20000));
    close_engine(f);
    assert_log(f, "2026-11-29T10:30:00+06:00\tbn\tটোকেন নম্বর বি শূন্য এক দুই, কাউন্টার দুই\n"
                  "2026-11-29T10:30:00+06:00\ten\tToken B zero one two, counter two\n"
                  "2026-11-30T11:29:59+06:00\tbn\tটোকেন নম্বর বি শূন্য এক দুই, কাউন্টার দুই\n");
    size_t n1, n2, n3, nc;
    int16_t *a = read_wav(f, 1, "bn", &n1), *b = read_wav(f, 2, "en", &n2);
    int16_t *c = read_wav(f, 3, "bn", &n3), *chime = speech_chime(&nc);
    assert_true(rms(b, n2) > 1000);
    /* The chimed call is the chime, then the same call as without it. */
    assert_int_equal(n1, nc + n3);
    assert_memory_equal(a, chime, nc * sizeof *a);
    assert_memory_equal(a + nc, c, n3 * sizeof *a);
    assert_false(file_exists(f, 4, "bn") || file_exists(f, 4, "en"));
    free(a);
    free(b);
    free(c);
    free(chime);
}

static void test_audio_out_numbers_continue_and_files_are_private(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    speech_say_text(sp, LANG_EN, "one", T0, 0);
    close_engine(f); /* without waiting: close finishes what was queued */
    sp = open_engine(f, "none", NULL);
    speech_say_text(sp, LANG_BN, "দুই", T0 + 60, 0);
    close_engine(f);
    assert_true(file_exists(f, 1, "en"));
    assert_true(file_exists(f, 2, "bn"));
    assert_log(f, "2026-11-29T10:30:00+06:00\ten\tone\n2026-11-29T10:31:00+06:00\tbn\tদুই\n");
    char path[160];
    struct stat st;
    snprintf(path, sizeof path, "%s/speech.log", f->out);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/0002-bn.wav", f->out);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/0002-bn.wav.part", f->out);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_close_without_playback_writes_everything_queued(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    for (int i = 0; i < 6; i++)
        assert_int_equal(speech_say_text(sp, i % 2 ? LANG_EN : LANG_BN,
                                         i % 2 ? "Please wait" : "অপেক্ষা করুন", T0 + i, 0),
                         0);
    close_engine(f);
    for (int i = 0; i < 6; i++) {
        size_t n;
        int16_t *pcm = read_wav(f, i + 1, i % 2 ? "en" : "bn", &n);
        assert_true(rms(pcm, n) > 1000);
        free(pcm);
    }
    char *log = read_log(f);
    int lines = 0;
    for (char *p = log; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 6);
    free(log);
}

/* Tabs and newlines in a text would break the log's lines. */
static void test_log_is_one_line_per_utterance(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    assert_int_equal(speech_say_text(sp, LANG_EN, "name\tRahim\nage 40", T0, 0), 0);
    close_engine(f);
    assert_log(f, "2026-11-29T10:30:00+06:00\ten\tname Rahim age 40\n");
}

/* ---- clips ---- */

static const char *const CALL_KEYS_BN[] = {"phrase-token", "letter-b", "digit-0",
                                           "digit-1",      "digit-2",  "phrase-counter"};

static void test_clips_replace_synthesis_when_all_exist(void **state)
{
    fixture_t *f = *state;
    make_clips(f, "bn", CALL_KEYS_BN, 6, 44100);
    speech_t *sp = open_engine(f, "none", f->clips);
    assert_true(stats(sp).clip_bytes > 0);
    say_call(sp, LANG_BN, "B-012", 2, T0, 0);
    say_call(sp, LANG_EN, "B-012", 2, T0, 0); /* no English clips: synthesized */
    say_call(sp, LANG_BN, "B-013", 2, T0, 0); /* no digit-3: all of it synthesized */
    assert_true(speech_wait_idle(sp, 20000));
    speech_stats_t st = stats(sp);
    assert_int_equal(st.from_clips, 1);
    assert_int_equal(st.cache_misses, 2);
    close_engine(f);
    /* Seven clips of 0.2 s at 44100 Hz -> 4410 samples each at 22050, 60 ms (1323) between
     * clips, 250 ms (5512) for the comma. */
    size_t n, clip_n;
    int16_t *pcm = read_wav(f, 1, "bn", &n);
    assert_int_equal(n, 7 * 4410 + 5 * 1323 + 5512);
    char path[256], err[256];
    int16_t *clip;
    snprintf(path, sizeof path, "%s/bn/phrase-token.wav", f->clips);
    assert_int_equal(speech_wav_load(path, &clip, &clip_n, err, sizeof err), 0);
    assert_int_equal(clip_n, 4410);
    assert_memory_equal(pcm, clip, clip_n * sizeof *clip);
    assert_true(rms(pcm + clip_n, 1323) == 0.0); /* the gap */
    free(clip);
    free(pcm);
    /* The synthesized ones are speech, not sines. */
    pcm = read_wav(f, 3, "bn", &n);
    assert_true(n > 4 * 22050 / 2);
    free(pcm);
    assert_log(f, "2026-11-29T10:30:00+06:00\tbn\tটোকেন নম্বর বি শূন্য এক দুই, কাউন্টার দুই\n"
                  "2026-11-29T10:30:00+06:00\ten\tToken B zero one two, counter two\n"
                  "2026-11-29T10:30:00+06:00\tbn\tটোকেন নম্বর বি শূন্য এক তিন, কাউন্টার দুই\n");
}

static void test_chime_clip_replaces_the_synthesized_chime(void **state)
{
    fixture_t *f = *state;
    char path[256];
    mkdir(f->clips, 0700);
    snprintf(path, sizeof path, "%s/chime.wav", f->clips);
    write_clip(path, 16000, 1, 0.5, 16);
    speech_t *sp = open_engine(f, "none", f->clips);
    speech_say_text(sp, LANG_EN, "ready", T0, SPEECH_CHIME);
    speech_say_text(sp, LANG_EN, "ready", T0, 0);
    close_engine(f);
    size_t with, without;
    int16_t *a = read_wav(f, 1, "en", &with), *b = read_wav(f, 2, "en", &without);
    assert_int_equal(with - without, 11025); /* 0.5 s at 22050 */
    free(a);
    free(b);
}

/* A bad clip stops speech_open with the file's path and the reason. */
static void expect_open_error(fixture_t *f, const char *file, int rate, int channels, int bits,
                              double seconds, const char *what)
{
    char path[256], dir[256], cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->clips);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%s", f->clips, file);
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    mkdir(f->clips, 0700);
    mkdir(dir, 0700);
    write_clip(path, rate, channels, seconds, bits);
    speech_options_t o = {.clips_dir = f->clips, .device = "none", .volume = 80};
    char err[512] = "";
    speech_t *sp = speech_open(&o, err, sizeof err);
    f->sp = sp;
    if (sp || !strstr(err, path) || !strstr(err, what)) {
        print_error("err \"%s\", want \"%s\" and \"%s\"\n", err, path, what);
        fail();
    }
}

static void test_bad_clips_are_errors_naming_the_file(void **state)
{
    fixture_t *f = *state;
    expect_open_error(f, "bn/digit-1.wav", 22050, 2, 16, 0.1, "clips must be mono");
    expect_open_error(f, "en/digit-1.wav", 22050, 1, 8, 0.1, "clips must be 16-bit");
    expect_open_error(f, "bn/digit-1.wav", 8000, 1, 16, 0.1, "8000 Hz");
    expect_open_error(f, "bn/digit-1.wav", 16000, 1, 16, 10.5, "at most 10 s");
    expect_open_error(f, "chime.wav", 11025, 1, 16, 0.1, "11025 Hz");
    expect_open_error(f, "bn/digit-10.wav", 22050, 1, 16, 0.1, "not a clip key");
    expect_open_error(f, "en/chime.wav", 22050, 1, 16, 0.1, "not a clip key");
    /* A file cut short (a copy that did not finish). */
    static const char *const letter_b[] = {"letter-b"};
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->clips);
    assert_int_equal(system(cmd), 0);
    make_clips(f, "bn", letter_b, 1, 22050);
    char path[256];
    snprintf(path, sizeof path, "%s/bn/letter-b.wav", f->clips);
    assert_int_equal(truncate(path, 100), 0);
    speech_options_t o = {.clips_dir = f->clips, .device = "none", .volume = 80};
    char err[512] = "";
    assert_null(speech_open(&o, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "truncated"));
    /* Not a WAV at all. */
    FILE *fp = fopen(path, "w");
    fputs("ID3 this is an mp3", fp);
    fclose(fp);
    assert_null(speech_open(&o, err, sizeof err));
    assert_non_null(strstr(err, "not a WAV file"));
    /* Other files are ignored. */
    unlink(path);
    snprintf(path, sizeof path, "%s/bn/.gitkeep", f->clips);
    fclose(fopen(path, "w"));
    speech_t *sp = speech_open(&o, err, sizeof err);
    f->sp = sp;
    assert_non_null(sp);
    close_engine(f);
}

static void test_shipped_clip_folder_opens(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", "assets/voice");
    assert_int_equal(stats(sp).clip_bytes, 0); /* no recordings ship */
    close_engine(f);
}

/* ---- the engine's contract ---- */

static void test_open_errors(void **state)
{
    fixture_t *f = *state;
    char err[512] = "";
    speech_options_t o = {.device = "none", .volume = 101};
    assert_null(speech_open(&o, err, sizeof err));
    assert_non_null(strstr(err, "volume 101"));
    /* One engine per process: eSpeak NG is global. */
    open_engine(f, "none", NULL);
    o.volume = 50;
    assert_null(speech_open(&o, err, sizeof err));
    assert_non_null(strstr(err, "already open"));
    close_engine(f);
    /* A file where the audio-out folder should be. */
    char path[160];
    snprintf(path, sizeof path, "%s/file", f->dir);
    fclose(fopen(path, "w"));
    o.audio_out = path;
    assert_null(speech_open(&o, err, sizeof err));
    assert_non_null(strstr(err, "not a folder"));
    /* eSpeak NG's data missing. */
    o.audio_out = NULL;
    o.espeak_data = f->dir;
    assert_null(speech_open(&o, err, sizeof err));
    assert_non_null(strstr(err, "eSpeak NG"));
    /* And after all these failures an engine opens again. */
    open_engine(f, "none", NULL);
    close_engine(f);
}

static void test_bad_utterances_are_refused(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    speech_part_t ok = {"digit-1", "এক", NULL};
    assert_int_equal(speech_say(sp, LANG_BN, &ok, 0, T0, 0), -1);
    assert_int_equal(speech_say(sp, (lang_t)7, &ok, 1, T0, 0), -1);
    speech_part_t bad_key = {"Digit 1", "এক", NULL};
    assert_int_equal(speech_say(sp, LANG_BN, &bad_key, 1, T0, 0), -1);
    speech_part_t bad_text = {NULL, "\xe0\xa6", NULL};
    assert_int_equal(speech_say(sp, LANG_BN, &bad_text, 1, T0, 0), -1);
    assert_int_equal(speech_say_text(sp, LANG_BN, "", T0, 0), -1);
    static char longtext[SPEECH_TEXT_MAX + 10];
    memset(longtext, 'a', sizeof longtext - 1);
    assert_int_equal(speech_say_text(sp, LANG_EN, longtext, T0, 0), -1);
    close_engine(f);
    assert_log(f, "");
}

/* Nothing spoken reaches stderr, even when writing the files fails. */
static void test_spoken_text_never_on_stderr(void **state)
{
    fixture_t *f = *state;
    char errpath[160];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", f->dir);
    fflush(stderr);
    int saved = dup(2), fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    speech_t *sp = open_engine(f, "no-such-device-xyz", NULL); /* no sound: said once */
    speech_say_text(sp, LANG_EN, "Rahim Uddin 01712345678", T0, 0);
    assert_true(speech_wait_idle(sp, 20000));
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->out); /* the next files cannot be written */
    assert_int_equal(system(cmd), 0);
    speech_say_text(sp, LANG_BN, "রহিম উদ্দিন", T0, 0);
    assert_true(speech_wait_idle(sp, 20000));
    speech_stats_t st = stats(sp);
    close_engine(f);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t len;
    char *text = read_all(errpath, &len);
    assert_false(st.playback);
    assert_int_equal(st.errors, 1);
    assert_non_null(strstr(text, "speech: no sound"));
    assert_non_null(strstr(text, "0002-bn.wav"));
    assert_null(strstr(text, "Rahim"));
    assert_null(strstr(text, "0171"));
    assert_null(strstr(text, "রহিম"));
    free(text);
}

static void test_cache_hit_starts_sooner_than_synthesis(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    /* One long clause: eSpeak NG reads a whole clause before its first sample. */
    const char *text = "আপনার টোকেন নম্বর মনে রাখুন এবং ডাক শুনলে রসিদ আর কাগজপত্র নিয়ে "
                       "বোর্ডে দেখানো কাউন্টারে যান আর সেখানে অপেক্ষা করুন যতক্ষণ না আপনার "
                       "কাজ শেষ হয় এবং রসিদে লেখা তারিখে আবার আসুন";
    speech_say_text(sp, LANG_BN, text, T0, 0);
    assert_true(speech_wait_idle(sp, 20000));
    speech_stats_t st = stats(sp);
    int64_t miss = st.last_render_us;
    assert_true(st.last_latency_us >= miss);
    speech_say_text(sp, LANG_BN, text, T0, 0);
    assert_true(speech_wait_idle(sp, 20000));
    st = stats(sp);
    assert_int_equal(st.cache_misses, 1);
    assert_int_equal(st.cache_hits, 1);
    assert_true(st.cache_bytes > 0 && st.cache_bytes <= SPEECH_CACHE_DEFAULT);
    if (st.last_render_us >= miss) {
        print_error("hit %lld us, miss %lld us\n", (long long)st.last_render_us, (long long)miss);
        fail();
    }
    close_engine(f);
    /* Same sound either way. */
    size_t n1, n2;
    int16_t *a = read_wav(f, 1, "bn", &n1), *b = read_wav(f, 2, "bn", &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1 * sizeof *a);
    free(a);
    free(b);
}

static void test_prepare_fills_the_cache_silently(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    speech_part_t part = {NULL, "Touch a service", NULL};
    assert_int_equal(speech_prepare(sp, LANG_EN, &part, 1), 0);
    assert_true(speech_wait_idle(sp, 20000));
    assert_int_equal(speech_say(sp, LANG_EN, &part, 1, T0, 0), 0);
    assert_true(speech_wait_idle(sp, 20000));
    speech_stats_t st = stats(sp);
    assert_int_equal(st.cache_hits, 1);
    assert_int_equal(st.said, 1);
    close_engine(f);
    assert_log(f, "2026-11-29T10:30:00+06:00\ten\tTouch a service\n");
}

/* A small cache stays within its budget however much is said. */
static void test_cache_budget_holds(void **state)
{
    fixture_t *f = *state;
    speech_options_t o = {.device = "none", .volume = 80, .cache_bytes = 256 * 1024};
    char err[256];
    speech_t *sp = speech_open(&o, err, sizeof err);
    f->sp = sp;
    assert_non_null(sp);
    for (int i = 0; i < 20; i++) {
        char text[64];
        snprintf(text, sizeof text, "counter %d is open now", i + 1);
        assert_int_equal(speech_say_text(sp, LANG_EN, text, T0, 0), 0);
        assert_true(speech_wait_idle(sp, 20000));
        assert_true(stats(sp).cache_bytes <= 256 * 1024);
    }
    assert_int_equal(stats(sp).said, 20);
    close_engine(f);
    (void)f;
}

/* Without playback an interrupt drops nothing: every utterance is said as soon as rendered,
 * so --audio-out runs give the same log every time. */
static void test_interrupt_without_playback_drops_nothing(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_engine(f, "none", NULL);
    speech_say_text(sp, LANG_EN, "one", T0, 0);
    speech_say_text(sp, LANG_EN, "two", T0, 0);
    speech_say_text(sp, LANG_EN, "three", T0, SPEECH_INTERRUPT);
    speech_stop(sp);
    close_engine(f);
    assert_log(f, "2026-11-29T10:30:00+06:00\ten\tone\n2026-11-29T10:30:00+06:00\ten\ttwo\n"
                  "2026-11-29T10:30:00+06:00\ten\tthree\n");
}

/* ---- playback ---- */

/* Where needle's samples occur in hay at or after sample from, or -1. */
static long find_block(const int16_t *hay, size_t hay_n, size_t from, const int16_t *needle,
                       size_t n)
{
    if (from >= hay_n)
        return -1;
    const uint8_t *h = (const uint8_t *)hay;
    const uint8_t *at = memmem(h + 2 * from, 2 * (hay_n - from), needle, n * sizeof *needle);
    /* A match at an odd byte would be two half samples: look on from the next one. */
    while (at && (at - h) % 2)
        at = memmem(at + 1, (size_t)(h + 2 * hay_n - at - 1), needle, n * sizeof *needle);
    return at ? (long)((at - h) / 2) : -1;
}

/* The samples without their zeros: silence put in by an audio underrun or between utterances
 * cannot hide an overlap or a reordering, which change the non-zero samples themselves. */
static int16_t *nonzero(const int16_t *pcm, size_t n, size_t *m)
{
    int16_t *out = malloc((n ? n : 1) * sizeof *out);
    *m = 0;
    for (size_t i = 0; i < n; i++)
        if (pcm[i])
            out[(*m)++] = pcm[i];
    return out;
}

/* What SDL's disk driver played, without zeros. */
static int16_t *heard_nonzero(const fixture_t *f, size_t *m)
{
    size_t len;
    int16_t *raw = read_all(f->played, &len);
    assert_non_null(raw);
    int16_t *out = nonzero(raw, len / 2, m);
    free(raw);
    return out;
}

/* A WAV's samples without zeros. */
static int16_t *wav_nonzero(const fixture_t *f, int number, const char *lang, size_t *m)
{
    size_t n;
    int16_t *pcm = read_wav(f, number, lang, &n);
    int16_t *out = nonzero(pcm, n, m);
    free(pcm);
    return out;
}

/* What was heard (SDL's disk driver) is each utterance whole, one after the other, in order:
 * two mixed or reordered would not match sample for sample. */
static void test_queued_utterances_play_in_order_without_overlap(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_disk(f, "4");
    say_call(sp, LANG_BN, "A-001", 1, T0, SPEECH_CHIME);
    say_call(sp, LANG_EN, "A-001", 1, T0, 0);
    speech_say_text(sp, LANG_BN, "দয়া করে অপেক্ষা করুন", T0, 0);
    speech_say_text(sp, LANG_EN, "Please wait", T0, 0);
    assert_false(speech_idle(sp));
    assert_true(speech_wait_idle(sp, 60000));
    speech_stats_t st = stats(sp);
    assert_int_equal(st.said, 4);
    assert_int_equal(st.interrupted + st.dropped, 0);
    close_engine(f);
    size_t heard_n;
    int16_t *heard = heard_nonzero(f, &heard_n);
    static const char *const langs[] = {"bn", "en", "bn", "en"};
    size_t from = 0;
    for (int i = 0; i < 4; i++) {
        size_t n;
        int16_t *pcm = wav_nonzero(f, i + 1, langs[i], &n);
        long at = find_block(heard, heard_n, from, pcm, n);
        if (at < 0) {
            print_error("utterance %d was not heard whole after sample %zu\n", i + 1, from);
            fail();
        }
        from = (size_t)at + n;
        free(pcm);
    }
    free(heard);
}

static void test_volume_scales_playback_not_files(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_disk(f, "4");
    assert_int_equal(speech_volume(sp), 100);
    speech_set_volume(sp, 0);
    assert_int_equal(speech_volume(sp), 0);
    speech_say_text(sp, LANG_EN, "silent", T0, 0);
    assert_true(speech_wait_idle(sp, 30000));
    speech_set_volume(sp, 140);
    assert_int_equal(speech_volume(sp), 100);
    close_engine(f);
    size_t n, heard_len;
    int16_t *pcm = read_wav(f, 1, "en", &n);
    assert_true(rms(pcm, n) > 1000);
    int16_t *heard = read_all(f->played, &heard_len);
    assert_true(heard_len / 2 >= n);
    assert_true(rms(heard, heard_len / 2) == 0.0);
    free(pcm);
    free(heard);
    assert_true(speech_gain(0) == 0.0);
    assert_true(speech_gain(100) == 1.0);
    assert_true(fabs(20 * log10(speech_gain(1)) + 39.6) < 0.01);
    for (int v = 1; v < 100; v++)
        assert_true(speech_gain(v) < speech_gain(v + 1));
}

static void wait_started(speech_t *sp, uint64_t n)
{
    for (int i = 0; i < 2000 && stats(sp).started < n; i++)
        usleep(5000);
    assert_true(stats(sp).started >= n);
}

/* A touch interrupts: what plays stops, what waits is dropped, and what was said still has
 * its whole WAV (the file is the proof of what the citizen heard the start of). */
static void test_interrupt_stops_playback_and_drops_the_queue(void **state)
{
    fixture_t *f = *state;
    const char *longtext = "এই সেবার জন্য আপনার জাতীয় পরিচয়পত্র, জন্ম নিবন্ধন সনদ এবং একটি "
                           "ছবি লাগবে। ফি একশো টাকা। কাজ শেষ হতে তিন দিন সময় লাগবে।";
    /* The whole rendering, for comparison (eSpeak NG started anew varies by a few ms). */
    speech_t *sp = open_engine(f, "none", NULL);
    speech_say_text(sp, LANG_BN, longtext, T0, 0);
    close_engine(f);
    size_t whole_n;
    int16_t *whole = read_wav(f, 1, "bn", &whole_n);
    assert_true(whole_n > 5 * 22050); /* long enough to be cut */
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->out);
    assert_int_equal(system(cmd), 0);

    sp = open_disk(f, NULL); /* real time */
    speech_say_text(sp, LANG_BN, longtext, T0, 0);
    speech_say_text(sp, LANG_EN, "dropped one", T0, 0);
    speech_say_text(sp, LANG_EN, "dropped two", T0, 0);
    wait_started(sp, 1);
    usleep(300000);
    speech_say_text(sp, LANG_EN, "Home", T0 + 5, SPEECH_INTERRUPT);
    assert_true(speech_wait_idle(sp, 30000));
    speech_stats_t st = stats(sp);
    assert_int_equal(st.interrupted, 1);
    assert_int_equal(st.dropped, 2);
    assert_int_equal(st.said, 1);
    close_engine(f);
    assert_log(f, "2026-11-29T10:30:00+06:00\tbn\tএই সেবার জন্য আপনার জাতীয় পরিচয়পত্র, জন্ম "
                  "নিবন্ধন সনদ এবং একটি ছবি লাগবে। ফি একশো টাকা। কাজ শেষ হতে তিন দিন সময় "
                  "লাগবে।\n2026-11-29T10:30:05+06:00\ten\tHome\n");
    size_t n, cut_n, home_n, heard_n;
    int16_t *full = read_wav(f, 1, "bn", &n);
    /* The file is whole although playback was cut. */
    assert_true(fabs((double)n - (double)whole_n) < 0.02 * (double)whole_n);
    int16_t *cut = wav_nonzero(f, 1, "bn", &cut_n), *home = wav_nonzero(f, 2, "en", &home_n);
    int16_t *heard = heard_nonzero(f, &heard_n);
    /* Heard: the start of the long text, then "Home" whole, and not the rest. */
    assert_true(find_block(heard, heard_n, 0, cut, 441) >= 0);
    assert_true(find_block(heard, heard_n, 0, cut, cut_n) < 0);
    assert_true(heard_n < cut_n);
    assert_true(find_block(heard, heard_n, 0, home, home_n) >= 0);
    free(heard);
    free(full);
    free(cut);
    free(home);
    free(whole);
}

static void test_full_queue_refuses_and_close_is_prompt(void **state)
{
    fixture_t *f = *state;
    speech_t *sp = open_disk(f, NULL); /* real time: the first one plays for seconds */
    speech_say_text(sp, LANG_EN, "This sentence takes a few seconds to say out loud, slowly.", T0,
                    0);
    wait_started(sp, 1);
    int rc = 0, accepted = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < SPEECH_QUEUE_MAX + 5 && rc == 0; i++)
        if ((rc = speech_say_text(sp, LANG_EN, "more", T0, 0)) == 0)
            accepted++;
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_int_equal(rc, -2);
    assert_int_equal(accepted, SPEECH_QUEUE_MAX);
    /* The caller never waits for speech: all of it took far less than one utterance plays. */
    assert_true(b.tv_sec - a.tv_sec < 1);
    clock_gettime(CLOCK_MONOTONIC, &a);
    close_engine(f); /* stops playback and drops the queue: no minutes of "more" */
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_true(b.tv_sec - a.tv_sec < 10);
    assert_true(file_exists(f, 1, "en"));
    assert_false(file_exists(f, 2, "en"));
}

static void test_dummy_driver_plays(void **state)
{
    fixture_t *f = *state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    speech_t *sp = open_engine(f, NULL, NULL);
    assert_true(stats(sp).playback);
    speech_say_text(sp, LANG_EN, "ok", T0, 0);
    assert_true(speech_wait_idle(sp, 20000));
    assert_int_equal(stats(sp).said, 1);
    close_engine(f);
    assert_log(f, "2026-11-29T10:30:00+06:00\ten\tok\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_engine_closes_without_a_thread_left, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bangla_and_english_synthesis_is_speech, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_board_call_files_and_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audio_out_numbers_continue_and_files_are_private,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_without_playback_writes_everything_queued, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_is_one_line_per_utterance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clips_replace_synthesis_when_all_exist, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_chime_clip_replaces_the_synthesized_chime, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_clips_are_errors_naming_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_clip_folder_opens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_utterances_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spoken_text_never_on_stderr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_hit_starts_sooner_than_synthesis, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_prepare_fills_the_cache_silently, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_budget_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_without_playback_drops_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_queued_utterances_play_in_order_without_overlap, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_volume_scales_playback_not_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_stops_playback_and_drops_the_queue, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_queue_refuses_and_close_is_prompt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dummy_driver_plays, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
