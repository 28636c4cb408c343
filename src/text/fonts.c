/* text/fonts.c - font files loaded once, faces opened per size, icon names resolved. */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include "text/fonts.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file.h"

/* Sizes in use at once: a screen uses about ten; shrinking text adds a few. */
#define FONTS_MAX_OPEN 24
#define ICON_NAME_MAX  48

static const char *const face_files[FACE_COUNT] = {
    "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf",  "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",           "MaterialIcons-Regular.ttf",
};

typedef struct {
    TTF_Font *font;
    font_face_t face;
    int size_px;
    unsigned long last_use;
} open_font_t;

typedef struct {
    char name[ICON_NAME_MAX];
    unsigned cp;
} icon_t;

struct fonts {
    void *data[FACE_COUNT];
    size_t size[FACE_COUNT];
    open_font_t open[FONTS_MAX_OPEN];
    unsigned long clock;
    icon_t *icons; /* sorted by name for bsearch */
    size_t icon_count;
};

bool fonts_have_harfbuzz(void)
{
    int major = 0, minor = 0, patch = 0;
    TTF_GetHarfBuzzVersion(&major, &minor, &patch);
    return major > 0 || minor > 0 || patch > 0;
}

static int icon_cmp(const void *a, const void *b)
{
    return strcmp(((const icon_t *)a)->name, ((const icon_t *)b)->name);
}

/* bsearch's comparison: the key is the name itself. */
static int icon_name_cmp(const void *key, const void *icon)
{
    return strcmp(key, ((const icon_t *)icon)->name);
}

/* A font file mapped, not read: FreeType touches only the tables and glyphs it needs (a few
 * hundred KB of 1.8 MB on a screen), and the start-up saves copying the rest. Fonts sit on the
 * read-only image, so the mapping cannot be truncated under the kiosk. */
static int map_font(const char *path, void **data, size_t *size, char *err, size_t errcap)
{
    int fd = file_open_regular(path, true, err, errcap); /* a regular file, or why not */
    if (fd < 0)
        return -1;
    struct stat st;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > INT32_MAX)
        snprintf(err, errcap, "%s: cannot read font: empty or too large", path);
    else if ((p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
        snprintf(err, errcap, "%s: cannot read font: %s", path, strerror(errno));
    close(fd);
    if (p == MAP_FAILED)
        return -1;
    *data = p;
    *size = (size_t)st.st_size;
    return 0;
}

/* fonts/MaterialIcons.codepoints: "name hex" per line. */
static bool load_icons(fonts_t *f, const char *dir, char *err, size_t errcap)
{
    char path[FILE_PATH_MAX];
    FILE *fp = file_path(path, sizeof path, dir, "MaterialIcons.codepoints") == 0 ? fopen(path, "r")
                                                                                  : NULL;
    if (!fp) {
        snprintf(err, errcap, "%s: cannot open", path);
        return false;
    }
    size_t cap = 2400;
    f->icons = calloc(cap, sizeof *f->icons);
    char line[128];
    int lineno = 0;
    bool ok = f->icons != NULL;
    while (ok && fgets(line, sizeof line, fp)) {
        lineno++;
        icon_t ic;
        if (sscanf(line, "%47s %x", ic.name, &ic.cp) != 2 || f->icon_count >= cap) {
            snprintf(err, errcap, "%s:%d: expected \"name hex\"", path, lineno);
            ok = false;
            break;
        }
        f->icons[f->icon_count++] = ic;
    }
    fclose(fp);
    if (ok)
        qsort(f->icons, f->icon_count, sizeof *f->icons, icon_cmp);
    return ok;
}

fonts_t *fonts_open(const char *dir, char *err, size_t errcap)
{
    if (!fonts_have_harfbuzz()) {
        snprintf(err, errcap,
                 "SDL2_ttf %d.%d.%d was built without HarfBuzz, so Bangla cannot be shaped "
                 "(vowel signs and conjuncts would be drawn wrong). Install an SDL2_ttf built "
                 "with HarfBuzz (Debian's libsdl2-ttf-2.0-0 is).",
                 SDL_TTF_MAJOR_VERSION, SDL_TTF_MINOR_VERSION, SDL_TTF_PATCHLEVEL);
        return NULL;
    }
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errcap, "TTF_Init: %s", TTF_GetError());
        return NULL;
    }
    fonts_t *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    for (int i = 0; i < FACE_COUNT; i++) {
        char path[FILE_PATH_MAX];
        int rc = file_path(path, sizeof path, dir, face_files[i]);
        if (rc < 0)
            snprintf(err, errcap, "%s/%s: path too long", dir, face_files[i]);
        else
            rc = map_font(path, &f->data[i], &f->size[i], err, errcap);
        if (rc < 0) {
            fonts_close(f);
            return NULL;
        }
    }
    if (!load_icons(f, dir, err, errcap)) {
        fonts_close(f);
        return NULL;
    }
    return f;
}

void fonts_close(fonts_t *f)
{
    if (!f)
        return;
    for (int i = 0; i < FONTS_MAX_OPEN; i++)
        if (f->open[i].font)
            TTF_CloseFont(f->open[i].font);
    for (int i = 0; i < FACE_COUNT; i++)
        if (f->data[i])
            munmap(f->data[i], f->size[i]);
    free(f->icons);
    free(f);
}

static TTF_Font *open_face(fonts_t *f, font_face_t face, int size_px)
{
    SDL_RWops *rw = SDL_RWFromConstMem(f->data[face], (int)f->size[face]);
    TTF_Font *font = rw ? TTF_OpenFontRW(rw, 1, size_px) : NULL;
    if (!font)
        return NULL;
    /* Light hinting keeps Bangla stems even without distorting the shaped outlines. */
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    if (face == FACE_BENGALI || face == FACE_BENGALI_BOLD) {
        if (TTF_SetFontScriptName(font, "Beng") != 0) {
            TTF_CloseFont(font);
            return NULL;
        }
    }
    return font;
}

TTF_Font *fonts_get(fonts_t *f, font_face_t face, int size_px)
{
    if (size_px < 4)
        size_px = 4;
    int victim = 0;
    f->clock++;
    for (int i = 0; i < FONTS_MAX_OPEN; i++) {
        open_font_t *o = &f->open[i];
        if (o->font && o->face == face && o->size_px == size_px) {
            o->last_use = f->clock;
            return o->font;
        }
        if (!o->font || (f->open[victim].font && o->last_use < f->open[victim].last_use))
            victim = i;
    }
    open_font_t *o = &f->open[victim];
    if (o->font)
        TTF_CloseFont(o->font);
    o->font = open_face(f, face, size_px);
    o->face = face;
    o->size_px = size_px;
    o->last_use = f->clock;
    return o->font;
}

unsigned fonts_icon_codepoint(const fonts_t *f, const char *name)
{
    if (!name || strlen(name) >= ICON_NAME_MAX)
        return 0;
    const icon_t *hit = bsearch(name, f->icons, f->icon_count, sizeof *f->icons, icon_name_cmp);
    return hit ? hit->cp : 0;
}
