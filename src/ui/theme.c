/* ui/theme.c - the default and the high-contrast theme, and contrast arithmetic. */
#include "ui/theme.h"

#include <math.h>

/* The default look: Bangladesh green for action, a warm red for errors, calm greys. Green,
 * the grey of secondary text and the red are the darkest shades of the first design's
 * colours that reach 7:1 on both the background and white. */
static const theme_t themes[THEME_COUNT] = {
    [THEME_DEFAULT] = {"default",
                       {
                           [THEME_BG] = 0xFFF3F6F4u,
                           [THEME_SURFACE] = 0xFFFFFFFFu,
                           [THEME_PRIMARY] = 0xFF005F46u,
                           [THEME_PRIMARY_DK] = 0xFF004D38u,
                           [THEME_ON_PRIMARY] = 0xFFFFFFFFu,
                           [THEME_TEXT] = 0xFF1B1F1Du,
                           [THEME_MUTED] = 0xFF48504Cu,
                           [THEME_LINE] = 0xFFC9D3CEu,
                           [THEME_ERROR] = 0xFF972019u,
                           [THEME_ERROR_BG] = 0xFFFCE8E6u,
                           [THEME_KEY] = 0xFFFFFFFFu,
                           [THEME_KEY_SPECIAL] = 0xFFDDE5E1u,
                           [THEME_PRESSED] = 0xFFB8D8CCu,
                           [THEME_SCRIM] = 0x99000000u,
                           [THEME_HIGHLIGHT] = 0xFFE3F1EBu,
                       }},
    /* Light on black, yellow for action (black text on it), as high-contrast modes of
     * phones and ticket machines do: more than 12:1 for every pair. */
    [THEME_CONTRAST] = {"contrast",
                        {
                            [THEME_BG] = 0xFF000000u,
                            [THEME_SURFACE] = 0xFF141414u,
                            [THEME_PRIMARY] = 0xFFFFD60Au,
                            [THEME_PRIMARY_DK] = 0xFFFFFFFFu,
                            [THEME_ON_PRIMARY] = 0xFF000000u,
                            [THEME_TEXT] = 0xFFFFFFFFu,
                            [THEME_MUTED] = 0xFFDCDCDCu,
                            [THEME_LINE] = 0xFFB4B4B4u,
                            [THEME_ERROR] = 0xFFFF9E94u,
                            [THEME_ERROR_BG] = 0xFF2B0A08u,
                            [THEME_KEY] = 0xFF1F1F1Fu,
                            [THEME_KEY_SPECIAL] = 0xFF333333u,
                            [THEME_PRESSED] = 0xFF3D3D3Du,
                            [THEME_SCRIM] = 0xCC000000u,
                            [THEME_HIGHLIGHT] = 0xFF262626u,
                        }},
};

/* Every text colour on every background it is drawn on (widgets.c and the screens). */
static const theme_pair_t pairs[] = {
    {THEME_TEXT, THEME_BG},
    {THEME_TEXT, THEME_SURFACE},
    {THEME_TEXT, THEME_KEY},
    {THEME_TEXT, THEME_KEY_SPECIAL},
    {THEME_TEXT, THEME_PRESSED},
    {THEME_TEXT, THEME_ERROR_BG},
    {THEME_TEXT, THEME_HIGHLIGHT},
    {THEME_MUTED, THEME_BG},
    {THEME_MUTED, THEME_SURFACE},
    {THEME_MUTED, THEME_ERROR_BG},
    {THEME_PRIMARY, THEME_BG},
    {THEME_PRIMARY, THEME_SURFACE},
    {THEME_ON_PRIMARY, THEME_PRIMARY},
    {THEME_ON_PRIMARY, THEME_PRIMARY_DK},
    {THEME_PRIMARY, THEME_ON_PRIMARY},
    {THEME_ERROR, THEME_BG},
    {THEME_ERROR, THEME_SURFACE},
    {THEME_ERROR, THEME_ERROR_BG},
};

const theme_t *theme_get(theme_id_t id)
{
    return (unsigned)id < THEME_COUNT ? &themes[id] : &themes[THEME_DEFAULT];
}

ui_color_t theme_resolve(const theme_t *t, ui_color_t c)
{
    if ((c & 0xFFFFFF00u) != THEME_ROLE_MARK)
        return c;
    unsigned role = c & 0xFFu;
    return role < THEME_ROLE_COUNT ? t->color[role] : c;
}

static double channel(unsigned v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(ui_color_t c)
{
    return 0.2126 * channel((c >> 16) & 0xFF) + 0.7152 * channel((c >> 8) & 0xFF) +
           0.0722 * channel(c & 0xFF);
}

double theme_contrast(ui_color_t a, ui_color_t b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

ui_color_t theme_blend(ui_color_t a, ui_color_t b)
{
    unsigned al = a >> 24;
    ui_color_t out = b | 0xFF000000u;
    for (int shift = 0; shift < 24; shift += 8) {
        unsigned x = (a >> shift) & 0xFF, y = (b >> shift) & 0xFF;
        unsigned v = (x * al + y * (255 - al) + 127) / 255;
        out = (out & ~(0xFFu << shift)) | (v << shift);
    }
    return out;
}

const theme_pair_t *theme_pairs(int *n)
{
    *n = (int)(sizeof pairs / sizeof pairs[0]);
    return pairs;
}
