/* shell/speaker.c - opening the speech engine the way the configuration says. */
#include "shell/speaker.h"

#include <stdio.h>

#include "io/file.h"

speech_t *speaker_open(const kiosk_t *k, const options_t *o, bool headless)
{
    char err[FILE_PATH_MAX + 256], clips[FILE_PATH_MAX];
    file_path(clips, sizeof clips, k->root, "assets/voice");
    speech_options_t so = {.clips_dir = clips,
                           .audio_out = o->audio_out,
                           .device = headless                  ? "none"
                                     : k->cfg.speech_device[0] ? k->cfg.speech_device
                                                               : NULL,
                           .volume = k->cfg.speech_volume};
    speech_t *sp = speech_open(&so, err, sizeof err);
    if (!sp) {
        fprintf(stderr, "kiosk: speech: %s\n", err);
        return NULL;
    }
    /* On a terminal, say that it works (tools/boot-test looks for this line); a headless
     * run says nothing more than it must. */
    speech_stats_t st;
    speech_stats(sp, &st);
    if (!headless)
        fprintf(stderr, "kiosk: speech: ready (eSpeak NG, voices bn and en; %s)\n",
                st.playback ? "playing on the audio device" : "no sound device, nothing plays");
    return sp;
}
