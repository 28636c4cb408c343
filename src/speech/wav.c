/* speech/wav.c - strict WAV reading, resampling to the engine's rate, whole-file writing. */
#define _POSIX_C_SOURCE 200809L
#include "speech/wav.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A clip file is small; anything much larger than the longest clip at 48 kHz is refused
 * before it is read. */
#define MAX_FILE_BYTES ((size_t)SPEECH_WAV_MAX_SECONDS * 48000 * 2 + 64 * 1024)

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static bool rate_accepted(uint32_t rate)
{
    return rate == 16000 || rate == 22050 || rate == 44100 || rate == 48000;
}

/* The fmt chunk's fields; the extensible format names its real format in a GUID whose
 * first two bytes are the format code. */
static int parse_fmt(const uint8_t *c, uint32_t size, speech_wav_info_t *info, char *err,
                     size_t cap)
{
    if (size < 16)
        return fail(err, cap, "fmt chunk of %u bytes is too short", (unsigned)size);
    uint16_t format = le16(c);
    if (format == 0xFFFE) {
        if (size < 40)
            return fail(err, cap, "extensible fmt chunk of %u bytes is too short", (unsigned)size);
        format = le16(c + 24);
    }
    if (format != 1)
        return fail(err, cap, "sample format %u is not PCM (format 1)", (unsigned)format);
    info->channels = le16(c + 2);
    uint32_t rate = le32(c + 4);
    info->bits = le16(c + 14);
    if (info->channels != 1)
        return fail(err, cap, "%d channels; clips must be mono", info->channels);
    if (info->bits != 16)
        return fail(err, cap, "%d-bit samples; clips must be 16-bit", info->bits);
    if (!rate_accepted(rate))
        return fail(err, cap, "%u Hz; clips must be at 16000, 22050, 44100 or 48000 Hz",
                    (unsigned)rate);
    info->rate = (int)rate;
    return 0;
}

int speech_wav_parse(const uint8_t *b, size_t len, speech_wav_info_t *info, char *err, size_t cap)
{
    memset(info, 0, sizeof *info);
    if (len < 12 || memcmp(b, "RIFF", 4) != 0 || memcmp(b + 8, "WAVE", 4) != 0)
        return fail(err, cap, "not a WAV file (no RIFF/WAVE header)");
    bool have_fmt = false;
    size_t at = 12;
    while (at + 8 <= len) {
        uint32_t size = le32(b + at + 4);
        const uint8_t *body = b + at + 8;
        size_t room = len - at - 8;
        if (memcmp(b + at, "fmt ", 4) == 0) {
            if (size > room)
                return fail(err, cap, "fmt chunk runs past the end of the file");
            if (parse_fmt(body, size, info, err, cap) < 0)
                return -1;
            have_fmt = true;
        } else if (memcmp(b + at, "data", 4) == 0) {
            if (!have_fmt)
                return fail(err, cap, "data chunk before the fmt chunk");
            if (size > room)
                return fail(err, cap, "truncated: the data chunk says %u bytes, %zu are there",
                            (unsigned)size, room);
            if (size % 2)
                return fail(err, cap, "data chunk of %u bytes is not whole 16-bit samples",
                            (unsigned)size);
            info->data_offset = at + 8;
            info->sample_count = size / 2;
            if (info->sample_count == 0)
                return fail(err, cap, "no samples");
            if (info->sample_count > (size_t)info->rate * SPEECH_WAV_MAX_SECONDS)
                return fail(err, cap, "%.1f s long; clips may last at most %d s",
                            (double)info->sample_count / info->rate, SPEECH_WAV_MAX_SECONDS);
            return 0;
        }
        /* Chunks are padded to an even size; skip any other chunk (LIST, fact, cue...). */
        size_t next = at + 8 + (size_t)size + (size & 1);
        if (next <= at)
            break;
        at = next;
    }
    return fail(err, cap, have_fmt ? "no data chunk" : "no fmt chunk");
}

int16_t *speech_wav_resample(const int16_t *in, size_t n, int rate, size_t *out_count)
{
    size_t m = rate == SPEECH_RATE ? n : (size_t)((double)n * SPEECH_RATE / rate);
    if (m == 0)
        m = 1;
    int16_t *out = malloc(m * sizeof *out);
    if (!out)
        return NULL;
    *out_count = m;
    if (rate == SPEECH_RATE) {
        memcpy(out, in, n * sizeof *in);
        return out;
    }
    double step = (double)rate / SPEECH_RATE; /* input samples per output sample */
    for (size_t i = 0; i < m; i++) {
        double a = (double)i * step;
        if (step > 1.0) {
            /* The average of in[a, a + step): weights for the partial samples at both ends. */
            double b = a + step, sum = 0.0, w = 0.0;
            for (size_t k = (size_t)a; k < n && (double)k < b; k++) {
                double lo = (double)k < a ? a : (double)k;
                double hi = (double)(k + 1) > b ? b : (double)(k + 1);
                sum += in[k] * (hi - lo);
                w += hi - lo;
            }
            out[i] = (int16_t)(w > 0 ? sum / w : 0);
        } else {
            size_t k = (size_t)a;
            double f = a - (double)k;
            double x0 = in[k < n ? k : n - 1], x1 = in[k + 1 < n ? k + 1 : n - 1];
            out[i] = (int16_t)(x0 + (x1 - x0) * f);
        }
    }
    return out;
}

static int read_file(const char *path, uint8_t **bytes, size_t *len, char *err, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return fail(err, cap, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, cap, "%s: not a regular file", path);
    }
    if ((size_t)st.st_size > MAX_FILE_BYTES) {
        close(fd);
        return fail(err, cap, "%s: %lld bytes is too large for a clip (at most %d s)", path,
                    (long long)st.st_size, SPEECH_WAV_MAX_SECONDS);
    }
    uint8_t *b = malloc((size_t)st.st_size + 1);
    if (!b) {
        close(fd);
        return fail(err, cap, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *bytes = b;
    *len = got;
    return 0;
}

int speech_wav_load(const char *path, int16_t **pcm, size_t *count, char *err, size_t cap)
{
    uint8_t *b = NULL;
    size_t len = 0;
    if (read_file(path, &b, &len, err, cap) < 0)
        return -1;
    speech_wav_info_t info;
    char why[200];
    if (speech_wav_parse(b, len, &info, why, sizeof why) < 0) {
        free(b);
        return fail(err, cap, "%s: %s", path, why);
    }
    int16_t *raw = malloc(info.sample_count * sizeof *raw);
    if (!raw) {
        free(b);
        return fail(err, cap, "%s: out of memory", path);
    }
    for (size_t i = 0; i < info.sample_count; i++)
        raw[i] = (int16_t)le16(b + info.data_offset + 2 * i);
    free(b);
    *pcm = speech_wav_resample(raw, info.sample_count, info.rate, count);
    free(raw);
    if (!*pcm)
        return fail(err, cap, "%s: out of memory", path);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* The samples as little-endian bytes, a block at a time. */
static bool write_samples(int fd, const int16_t *pcm, size_t count)
{
    uint8_t block[8192];
    size_t i = 0;
    while (i < count) {
        size_t k = 0;
        for (; k < sizeof block / 2 && i < count; k++, i++)
            put16(block + 2 * k, (uint16_t)pcm[i]);
        if (!write_all(fd, block, 2 * k))
            return false;
    }
    return true;
}

int speech_wav_write(const char *path, const int16_t *pcm, size_t count, char *err, size_t cap)
{
    char part[1024];
    if ((size_t)snprintf(part, sizeof part, "%s.part", path) >= sizeof part)
        return fail(err, cap, "%s: path too long", path);
    if (count > (UINT32_MAX - 44) / 2)
        return fail(err, cap, "%s: too long for a WAV file", path);
    uint8_t h[44];
    uint32_t bytes = (uint32_t)(count * 2);
    memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + bytes);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, 1); /* PCM */
    put16(h + 22, 1); /* mono */
    put32(h + 24, SPEECH_RATE);
    put32(h + 28, SPEECH_RATE * 2);
    put16(h + 32, 2);
    put16(h + 34, 16);
    memcpy(h + 36, "data", 4);
    put32(h + 40, bytes);
    int fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(err, cap, "%s: cannot create: %s", part, strerror(errno));
    bool ok = write_all(fd, h, sizeof h) && write_samples(fd, pcm, count);
    int saved = errno;
    if (close(fd) < 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(part);
        return fail(err, cap, "%s: cannot write: %s", part, strerror(saved));
    }
    if (rename(part, path) < 0) {
        saved = errno;
        unlink(part);
        return fail(err, cap, "%s: cannot rename into place: %s", path, strerror(saved));
    }
    return 0;
}
