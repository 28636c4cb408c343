/* shell/calibrate.c - solving, applying and saving the touch calibration. */
#include "shell/calibrate.h"

#include <stdio.h>

#include "io/file.h"

static bool save(const char *dir, const float m[6])
{
    char path[FILE_PATH_MAX], text[256];
    if (file_path(path, sizeof path, dir, "calibration.ini") < 0)
        return false;
    snprintf(text, sizeof text,
             "; Written by the technician's touch calibration.\n[display]\n"
             "calibration = %.6f %.6f %.6f %.6f %.6f %.6f\n",
             m[0], m[1], m[2], m[3], m[4], m[5]);
    return file_write_atomic(path, text, 0644) == 0;
}

void calibrate_apply(input_state_t *in, app_t *app, const char *data_dir)
{
    const tech_t *t = &app->tech;
    if (!t->calibration_ready)
        return;
    float want[3][2], m[6];
    for (int i = 0; i < 3; i++)
        touch_map_unrotate(&in->map, t->cal_target[i][0], t->cal_target[i][1], &want[i][0],
                           &want[i][1]);
    touch_map_t next = in->map;
    bool ok = touch_calibration_solve(t->cal_raw, want, m) &&
              touch_map_init(&next, in->map.rotation, m, in->map.w, in->map.h) && save(data_dir, m);
    if (ok)
        in->map = next;
    app_tech_calibrated(app, ok);
}
