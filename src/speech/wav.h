/*
 * speech/wav.h - the WAV files of speech: recorded clips read strictly (a technician drops
 * them into assets/voice/, so every bad header is an error naming the file and what is
 * wrong), converted to the engine's format, and whole utterances written for --audio-out.
 *
 * The engine's format is SPEECH_RATE Hz, mono, signed 16-bit: what eSpeak NG produces.
 */
#ifndef SPEECH_WAV_H
#define SPEECH_WAV_H

#include <stddef.h>
#include <stdint.h>

#define SPEECH_RATE 22050

/* The longest clip accepted, in seconds: a digit or a phrase, not a recording session. */
#define SPEECH_WAV_MAX_SECONDS 10

/* A parsed WAV header. */
typedef struct {
    int rate;            /* samples per second */
    int channels;        /* 1 for every accepted clip */
    int bits;            /* 16 for every accepted clip */
    size_t data_offset;  /* where the samples start in the file */
    size_t sample_count; /* per channel */
} speech_wav_info_t;

/* Check a WAV file's bytes: RIFF/WAVE, a PCM fmt chunk (format 1, or the extensible
 * format with the PCM sub-format), 16-bit, mono, at 16000, 22050, 44100 or 48000 Hz, a data
 * chunk that is all there and at most SPEECH_WAV_MAX_SECONDS long. 0, or -1 with what is
 * wrong in err (without the file name: the caller adds it). */
int speech_wav_parse(const uint8_t *bytes, size_t len, speech_wav_info_t *info, char *err,
                     size_t errcap);

/* Read and check a clip and convert it to SPEECH_RATE: a malloc'ed array in *pcm (free it)
 * of *count samples. 0, or -1 with "PATH: what is wrong" in err. */
int speech_wav_load(const char *path, int16_t **pcm, size_t *count, char *err, size_t errcap);

/* Convert mono samples from rate to SPEECH_RATE: a malloc'ed array (free it), NULL when
 * out of memory. Downsampling averages each output sample's span of input (a box
 * low-pass, enough for speech); upsampling interpolates linearly. */
int16_t *speech_wav_resample(const int16_t *in, size_t n, int rate, size_t *out_count);

/* Write samples at SPEECH_RATE as a whole WAV file: into PATH.part first, then renamed, so a
 * reader never sees half a file (mode 0600: it may hold a citizen's data). 0, or -1 with
 * "PATH: why" in err. */
int speech_wav_write(const char *path, const int16_t *pcm, size_t count, char *err, size_t errcap);

#endif
