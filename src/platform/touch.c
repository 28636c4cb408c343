/* platform/touch.c - calibration and rotation of touch coordinates. */
#include "platform/touch.h"

#include <math.h>

bool touch_map_init(touch_map_t *m, int rotation, const float cal[6], int logical_w, int logical_h)
{
    float det = cal[0] * cal[4] - cal[1] * cal[3];
    if (det == 0.0f)
        return false;
    m->rotation = ((rotation % 360) + 360) % 360;
    for (int i = 0; i < 6; i++)
        m->cal[i] = cal[i];
    /* Inverse of [a b c; d e f; 0 0 1]. */
    m->inv[0] = cal[4] / det;
    m->inv[1] = -cal[1] / det;
    m->inv[3] = -cal[3] / det;
    m->inv[4] = cal[0] / det;
    m->inv[2] = -(m->inv[0] * cal[2] + m->inv[1] * cal[5]);
    m->inv[5] = -(m->inv[3] * cal[2] + m->inv[4] * cal[5]);
    m->w = logical_w;
    m->h = logical_h;
    return true;
}

/* Clamp in floating point first: a wild reading (or NaN) must not overflow the int. */
static int to_pixel(float f, int size)
{
    if (!(f > 0.0f)) /* also NaN */
        return 0;
    if (f >= 1.0f)
        return size - 1;
    int p = (int)floorf(f * (float)size);
    return p >= size ? size - 1 : p;
}

void touch_map_rotate(const touch_map_t *m, float u, float v, int *x, int *y)
{
    float lx, ly; /* logical, normalized */
    switch (m->rotation) {
    case 90: /* the UI's top is on the panel's right */
        lx = v;
        ly = 1.0f - u;
        break;
    case 180:
        lx = 1.0f - u;
        ly = 1.0f - v;
        break;
    case 270:
        lx = 1.0f - v;
        ly = u;
        break;
    default:
        lx = u;
        ly = v;
        break;
    }
    *x = to_pixel(lx, m->w);
    *y = to_pixel(ly, m->h);
}

void touch_map_apply(const touch_map_t *m, float nx, float ny, int *x, int *y)
{
    float u = m->cal[0] * nx + m->cal[1] * ny + m->cal[2];
    float v = m->cal[3] * nx + m->cal[4] * ny + m->cal[5];
    touch_map_rotate(m, u, v, x, y);
}

void touch_map_unrotate(const touch_map_t *m, int x, int y, float *u_out, float *v_out)
{
    /* Aim at the pixel's centre so rounding lands back on it. */
    float lx = ((float)x + 0.5f) / (float)m->w, ly = ((float)y + 0.5f) / (float)m->h;
    float u, v;
    switch (m->rotation) {
    case 90:
        u = 1.0f - ly;
        v = lx;
        break;
    case 180:
        u = 1.0f - lx;
        v = 1.0f - ly;
        break;
    case 270:
        u = ly;
        v = 1.0f - lx;
        break;
    default:
        u = lx;
        v = ly;
        break;
    }
    *u_out = u;
    *v_out = v;
}

void touch_map_invert(const touch_map_t *m, int x, int y, float *nx, float *ny)
{
    float u, v;
    touch_map_unrotate(m, x, y, &u, &v);
    *nx = m->inv[0] * u + m->inv[1] * v + m->inv[2];
    *ny = m->inv[3] * u + m->inv[4] * v + m->inv[5];
}

static double det3(const double m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
           m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/* Solve [x0 y0 1; x1 y1 1; x2 y2 1] * [p q r]' = rhs by Cramer's rule. */
static bool solve3(const float raw[3][2], const float rhs[3], float out[3])
{
    double a[3][3];
    for (int i = 0; i < 3; i++) {
        a[i][0] = raw[i][0];
        a[i][1] = raw[i][1];
        a[i][2] = 1.0;
    }
    double det = det3(a);
    if (fabs(det) < 1e-4)
        return false; /* the three touches are (nearly) in a line */
    for (int c = 0; c < 3; c++) {
        double m[3][3];
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++)
                m[i][k] = k == c ? rhs[i] : a[i][k];
        out[c] = (float)(det3(m) / det);
    }
    return true;
}

bool touch_calibration_solve(const float raw[3][2], const float want[3][2], float out[6])
{
    float us[3] = {want[0][0], want[1][0], want[2][0]};
    float vs[3] = {want[0][1], want[1][1], want[2][1]};
    return solve3(raw, us, out) && solve3(raw, vs, out + 3) &&
           out[0] * out[4] - out[1] * out[3] != 0.0f;
}
