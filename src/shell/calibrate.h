/*
 * shell/calibrate.h - the technician's touch calibration, finished: when the app has the
 * three touches, solve the new matrix, use it from now on and save it as DATA/calibration.ini
 * (read after the configuration at every start), then tell the app how it went. It sits in
 * the shell because it joins the app (the touches) and the platform (the touch map).
 */
#ifndef SHELL_CALIBRATE_H
#define SHELL_CALIBRATE_H

#include "app/app.h"
#include "platform/input.h"

/* Called after input reaches the app; does nothing until calibration is ready. */
void calibrate_apply(input_state_t *in, app_t *app, const char *data_dir);

#endif
