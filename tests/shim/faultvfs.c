/*
 * tests/shim/faultvfs.c - a fault-injecting SQLite VFS, preloaded into the real kiosk
 * (LD_PRELOAD=build/tests/faultvfs.so), in the manner of SQLite's own crash and I/O error
 * tests. It wraps the default "unix" VFS and registers itself as the default, so the kiosk's
 * journal (database, WAL) goes through it unchanged. Driven by the environment:
 *
 *   FAULTVFS_LOG=FILE          append "op N KIND FILE OFFSET LENGTH" for every write, sync,
 *                              truncate (and "read" lines when FAULTVFS_READS=1): how many
 *                              operations a run makes, so a test can aim at each of them
 *   FAULTVFS_CUT=N:SEED:MODE   power loss just before operation N (writes, syncs, truncates
 *                              counted together): every file goes back to what was last
 *                              synced, plus, in MODE "tear", a random (SEED) subset of the
 *                              writes made since, each 512-byte sector of a write kept or not
 *                              on its own (a torn page); in MODE "drop", none of them. A file
 *                              created and never synced may vanish. The shared-memory file is
 *                              deleted (it was RAM). Then the process kills itself (SIGKILL).
 *   FAULTVFS_FAIL=KIND:N:CODE[:persist]   the Nth operation of KIND (write, sync, truncate,
 *                              read) fails with CODE (ioerr: SQLITE_IOERR_<KIND>, full:
 *                              SQLITE_FULL); with persist, every later one too (a full disk
 *                              stays full, a dead card stays dead)
 *   FAULTVFS_PAUSE=N:CTL       before operation N: create CTL.paused, wait for CTL.go (up to
 *                              60 s), so a test can fill a real file system at that moment
 *
 * Why a shim preloaded into the real program rather than a test program calling the journal:
 * the invariants are about what the kiosk itself shows and prints (the "confirmed request"
 * line comes after the commit, the print outcome after the job), and start-up is the real
 * start-up. Only SQLite's own I/O is touched; the shim is test code and never built into the
 * kiosk. Global state is unavoidable here: SQLite's VFS registry is global.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 16
#define SECTOR    512

enum { OP_WRITE, OP_SYNC, OP_TRUNCATE, OP_READ, OP_KINDS };
static const char *const kind_names[OP_KINDS] = {"write", "sync", "truncate", "read"};

typedef struct {
    int64_t off; /* write: where; truncate: the new size */
    int len;     /* write: bytes; truncate: -1 */
    unsigned char *data;
} pending_t;

/* What a file holds on "disk" (as of its last sync) and what was written since. */
typedef struct {
    char path[600];
    bool used;
    bool durable; /* exists on disk: was there when first opened, or synced since */
    unsigned char *data;
    int64_t size;
    pending_t *ops;
    int nops, cap;
} shadow_t;

typedef struct {
    sqlite3_file base;
    sqlite3_file *real; /* allocated right after this struct */
    shadow_t *shadow;   /* NULL: a file the shim does not follow (temporary files) */
    char name[16];      /* "db", "wal", "journal": for the log */
} fv_file_t;

static struct {
    sqlite3_vfs vfs;
    sqlite3_vfs *base;
    sqlite3_io_methods io;
    shadow_t files[MAX_FILES];
    long ops;            /* writes, syncs and truncates so far */
    long kind[OP_KINDS]; /* per kind */
    FILE *log;
    bool log_reads;
    long cut_at; /* 0: no power cut */
    unsigned cut_seed;
    bool cut_tear;
    int fail_kind; /* -1: none */
    long fail_at;
    int fail_code;
    bool fail_persist;
    long pause_at;
    char pause_ctl[600];
} fv = {.fail_kind = -1};

/* ---- the shadow of each followed file ---- */

static bool read_whole(const char *path, unsigned char **data, int64_t *size)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0 && (*data = malloc((size_t)st.st_size))) {
        ssize_t n = pread(fd, *data, (size_t)st.st_size, 0);
        *size = n > 0 ? n : 0;
    }
    close(fd);
    return true;
}

static shadow_t *shadow_for(const char *path)
{
    shadow_t *free_slot = NULL;
    for (int i = 0; i < MAX_FILES; i++) {
        if (fv.files[i].used && strcmp(fv.files[i].path, path) == 0)
            return &fv.files[i];
        if (!fv.files[i].used && !free_slot)
            free_slot = &fv.files[i];
    }
    if (!free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->used = true;
    snprintf(free_slot->path, sizeof free_slot->path, "%s", path);
    free_slot->durable = read_whole(path, &free_slot->data, &free_slot->size);
    return free_slot;
}

static void drop_pending(shadow_t *s)
{
    for (int i = 0; i < s->nops; i++)
        free(s->ops[i].data);
    s->nops = 0;
}

static void add_pending(shadow_t *s, int64_t off, int len, const void *data)
{
    if (s->nops == s->cap) {
        int cap = s->cap ? s->cap * 2 : 64;
        pending_t *ops = realloc(s->ops, (size_t)cap * sizeof *ops);
        if (!ops)
            abort();
        s->ops = ops;
        s->cap = cap;
    }
    pending_t *p = &s->ops[s->nops++];
    p->off = off;
    p->len = len;
    p->data = NULL;
    if (len > 0) {
        if (!(p->data = malloc((size_t)len)))
            abort();
        memcpy(p->data, data, (size_t)len);
    }
}

/* Make (data, size) hold n bytes, zero-filling what grows. */
static void resize(unsigned char **data, int64_t *size, int64_t n)
{
    if (n > *size) {
        unsigned char *d = realloc(*data, (size_t)n);
        if (!d)
            abort();
        memset(d + *size, 0, (size_t)(n - *size));
        *data = d;
    }
    *size = n;
}

/* Apply a pending operation to a picture of the file; keep(i) says which sectors land. */
static void apply(unsigned char **data, int64_t *size, const pending_t *p, bool tear,
                  unsigned *seed)
{
    if (p->len < 0) {
        if (!tear || rand_r(seed) % 2)
            resize(data, size, p->off);
        return;
    }
    for (int64_t at = 0; at < p->len; at += SECTOR) {
        int64_t n = p->len - at < SECTOR ? p->len - at : SECTOR;
        if (tear && rand_r(seed) % 2)
            continue; /* this sector never reached the disk */
        if (p->off + at + n > *size)
            resize(data, size, p->off + at + n);
        memcpy(*data + p->off + at, p->data + at, (size_t)n);
    }
}

/* A successful sync: everything written so far is on disk. */
static void synced(shadow_t *s)
{
    for (int i = 0; i < s->nops; i++)
        apply(&s->data, &s->size, &s->ops[i], false, NULL);
    drop_pending(s);
    s->durable = true;
}

static void log_line(const char *what)
{
    if (fv.log) {
        fputs(what, fv.log);
        fflush(fv.log);
    }
}

/* The power goes: every followed file becomes what a disk could hold after it. */
static void power_cut(void)
{
    unsigned seed = fv.cut_seed;
    char line[800];
    for (int i = 0; i < MAX_FILES; i++) {
        shadow_t *s = &fv.files[i];
        if (!s->used)
            continue;
        unsigned char *data = NULL;
        int64_t size = 0;
        if (s->durable || (fv.cut_tear && rand_r(&seed) % 2)) {
            resize(&data, &size, s->size);
            if (s->size)
                memcpy(data, s->data, (size_t)s->size);
            if (fv.cut_tear)
                for (int k = 0; k < s->nops; k++)
                    apply(&data, &size, &s->ops[k], true, &seed);
            int fd = open(s->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0 || (size && write(fd, data, (size_t)size) != size))
                abort();
            close(fd);
        } else {
            unlink(s->path); /* created, never synced: its directory entry was lost too */
        }
        snprintf(line, sizeof line, "cut %s %lld bytes (%d writes not synced)\n", s->path,
                 (long long)size, s->nops);
        log_line(line);
        free(data);
        size_t n = strlen(s->path);
        if (n > 4 && strcmp(s->path + n - 4, "-wal") == 0) { /* the WAL index was in RAM */
            snprintf(line, sizeof line, "%.*s-shm", (int)(n - 4), s->path);
            unlink(line);
        }
    }
    kill(getpid(), SIGKILL);
    _exit(137); /* not reached */
}

static void pause_here(void)
{
    char paused[700], go[700];
    snprintf(paused, sizeof paused, "%s.paused", fv.pause_ctl);
    snprintf(go, sizeof go, "%s.go", fv.pause_ctl);
    int fd = open(paused, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
    for (int i = 0; i < 6000 && access(go, F_OK) != 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static int error_for(int kind)
{
    static const int io[OP_KINDS] = {SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_IOERR_TRUNCATE,
                                     SQLITE_IOERR_READ};
    return fv.fail_code == SQLITE_FULL ? SQLITE_FULL : io[kind];
}

/* Before each operation: count, log, and maybe cut the power, pause or fail. */
static int before(int kind, const fv_file_t *f, int64_t off, int64_t len)
{
    long n = ++fv.kind[kind];
    if (kind != OP_READ)
        fv.ops++;
    if (fv.log && (kind != OP_READ || fv.log_reads)) {
        char line[200];
        snprintf(line, sizeof line, "op %ld %s %s %lld %lld\n", kind == OP_READ ? n : fv.ops,
                 kind_names[kind], f->name, (long long)off, (long long)len);
        log_line(line);
    }
    if (kind != OP_READ && fv.pause_at && fv.ops == fv.pause_at)
        pause_here();
    if (kind != OP_READ && fv.cut_at && fv.ops == fv.cut_at)
        power_cut();
    if (kind == fv.fail_kind && (n == fv.fail_at || (fv.fail_persist && n > fv.fail_at))) {
        char line[120];
        snprintf(line, sizeof line, "fail %s %ld %s\n", kind_names[kind], n,
                 fv.fail_code == SQLITE_FULL ? "full" : "ioerr");
        log_line(line);
        return error_for(kind);
    }
    return SQLITE_OK;
}

/* ---- the io methods: forwarded, with the operations above ---- */

#define REAL(f) (((fv_file_t *)(f))->real)

static int fv_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int fv_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    fv_file_t *p = (fv_file_t *)f;
    int rc = p->shadow ? before(OP_READ, p, off, amt) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return rc;
    return p->real->pMethods->xRead(p->real, buf, amt, off);
}

static int fv_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    fv_file_t *p = (fv_file_t *)f;
    int rc = p->shadow ? before(OP_WRITE, p, off, amt) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return rc;
    rc = p->real->pMethods->xWrite(p->real, buf, amt, off);
    if (rc == SQLITE_OK && p->shadow && fv.cut_at)
        add_pending(p->shadow, off, amt, buf);
    return rc;
}

static int fv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    fv_file_t *p = (fv_file_t *)f;
    int rc = p->shadow ? before(OP_TRUNCATE, p, size, 0) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return rc;
    rc = p->real->pMethods->xTruncate(p->real, size);
    if (rc == SQLITE_OK && p->shadow && fv.cut_at)
        add_pending(p->shadow, size, -1, NULL);
    return rc;
}

static int fv_sync(sqlite3_file *f, int flags)
{
    fv_file_t *p = (fv_file_t *)f;
    int rc = p->shadow ? before(OP_SYNC, p, 0, 0) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return rc;
    rc = p->real->pMethods->xSync(p->real, flags);
    if (rc == SQLITE_OK && p->shadow && fv.cut_at)
        synced(p->shadow);
    return rc;
}

static int fv_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int fv_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int fv_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int fv_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int fv_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int fv_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int fv_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int fv_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}
static int fv_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void fv_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int fv_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int fv_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp);
}
static int fv_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

/* ---- the VFS ---- */

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                   int *out_flags)
{
    (void)vfs;
    fv_file_t *p = (fv_file_t *)file;
    memset(p, 0, sizeof *p);
    p->real = (sqlite3_file *)(p + 1);
    int rc = fv.base->xOpen(fv.base, name, p->real, flags, out_flags);
    if (rc != SQLITE_OK || !p->real->pMethods) {
        p->base.pMethods = NULL; /* SQLite then does not call xClose */
        return rc;
    }
    p->base.pMethods = &fv.io;
    const char *kind = flags & SQLITE_OPEN_MAIN_DB        ? "db"
                       : flags & SQLITE_OPEN_WAL          ? "wal"
                       : flags & SQLITE_OPEN_MAIN_JOURNAL ? "journal"
                                                          : NULL;
    if (kind && name) {
        snprintf(p->name, sizeof p->name, "%s", kind);
        p->shadow = shadow_for(name);
    }
    return SQLITE_OK;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    for (int i = 0; i < MAX_FILES; i++)
        if (fv.files[i].used && strcmp(fv.files[i].path, name) == 0) {
            shadow_t *s = &fv.files[i];
            drop_pending(s); /* deleted for good: a new file of that name starts afresh */
            free(s->data);
            s->data = NULL;
            s->size = 0;
            s->durable = false;
        }
    return fv.base->xDelete(fv.base, name, sync_dir);
}

#define FWD(ret, name, params, args)                                                               \
    static ret fv_##name params                                                                    \
    {                                                                                              \
        (void)vfs;                                                                                 \
        return fv.base->x##name args;                                                              \
    }
FWD(int, Access, (sqlite3_vfs * vfs, const char *n, int f, int *o), (fv.base, n, f, o))
FWD(int, FullPathname, (sqlite3_vfs * vfs, const char *n, int c, char *o), (fv.base, n, c, o))
FWD(void *, DlOpen, (sqlite3_vfs * vfs, const char *n), (fv.base, n))
FWD(int, Randomness, (sqlite3_vfs * vfs, int n, char *o), (fv.base, n, o))
FWD(int, Sleep, (sqlite3_vfs * vfs, int us), (fv.base, us))
FWD(int, CurrentTime, (sqlite3_vfs * vfs, double *t), (fv.base, t))
FWD(int, GetLastError, (sqlite3_vfs * vfs, int n, char *o), (fv.base, n, o))
FWD(int, CurrentTimeInt64, (sqlite3_vfs * vfs, sqlite3_int64 *t), (fv.base, t))

static void fv_DlError(sqlite3_vfs *vfs, int n, char *o)
{
    (void)vfs;
    fv.base->xDlError(fv.base, n, o);
}
static void (*fv_DlSym(sqlite3_vfs *vfs, void *h, const char *s))(void)
{
    (void)vfs;
    return fv.base->xDlSym(fv.base, h, s);
}
static void fv_DlClose(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    fv.base->xDlClose(fv.base, h);
}

static int kind_of(const char *s)
{
    for (int k = 0; k < OP_KINDS; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

static void configure(void)
{
    const char *v;
    if ((v = getenv("FAULTVFS_LOG")) && *v)
        fv.log = fopen(v, "a");
    fv.log_reads = (v = getenv("FAULTVFS_READS")) && strcmp(v, "1") == 0;
    char mode[16] = "";
    if ((v = getenv("FAULTVFS_CUT")) && *v) {
        if (sscanf(v, "%ld:%u:%15s", &fv.cut_at, &fv.cut_seed, mode) != 3 ||
            (strcmp(mode, "drop") != 0 && strcmp(mode, "tear") != 0)) {
            fprintf(stderr, "faultvfs: FAULTVFS_CUT=%s: expected N:SEED:drop|tear\n", v);
            _exit(99);
        }
        fv.cut_tear = strcmp(mode, "tear") == 0;
    }
    if ((v = getenv("FAULTVFS_FAIL")) && *v) {
        char kind[16] = "", code[16] = "", persist[16] = "";
        int n = sscanf(v, "%15[a-z]:%ld:%15[a-z]:%15s", kind, &fv.fail_at, code, persist);
        fv.fail_kind = kind_of(kind);
        fv.fail_code = strcmp(code, "full") == 0 ? SQLITE_FULL : SQLITE_IOERR;
        fv.fail_persist = n == 4 && strcmp(persist, "persist") == 0;
        if (n < 3 || fv.fail_kind < 0 || fv.fail_at < 1 ||
            (strcmp(code, "full") != 0 && strcmp(code, "ioerr") != 0) ||
            (n == 4 && !fv.fail_persist)) {
            fprintf(stderr, "faultvfs: FAULTVFS_FAIL=%s: expected KIND:N:ioerr|full[:persist]\n",
                    v);
            _exit(99);
        }
    }
    if ((v = getenv("FAULTVFS_PAUSE")) && *v &&
        sscanf(v, "%ld:%599s", &fv.pause_at, fv.pause_ctl) != 2) {
        fprintf(stderr, "faultvfs: FAULTVFS_PAUSE=%s: expected N:CONTROL-PATH\n", v);
        _exit(99);
    }
}

__attribute__((constructor)) static void faultvfs_init(void)
{
    configure();
    fv.base = sqlite3_vfs_find(NULL);
    if (!fv.base)
        return;
    fv.io = (sqlite3_io_methods){
        .iVersion = 3,
        .xClose = fv_close,
        .xRead = fv_read,
        .xWrite = fv_write,
        .xTruncate = fv_truncate,
        .xSync = fv_sync,
        .xFileSize = fv_file_size,
        .xLock = fv_lock,
        .xUnlock = fv_unlock,
        .xCheckReservedLock = fv_check_reserved,
        .xFileControl = fv_file_control,
        .xSectorSize = fv_sector_size,
        .xDeviceCharacteristics = fv_device,
        .xShmMap = fv_shm_map,
        .xShmLock = fv_shm_lock,
        .xShmBarrier = fv_shm_barrier,
        .xShmUnmap = fv_shm_unmap,
        .xFetch = fv_fetch,
        .xUnfetch = fv_unfetch,
    };
    fv.vfs = *fv.base; /* version, page of path names, and the methods below */
    fv.vfs.szOsFile = (int)sizeof(fv_file_t) + fv.base->szOsFile;
    fv.vfs.zName = "faultvfs";
    fv.vfs.pNext = NULL;
    fv.vfs.xOpen = fv_open;
    fv.vfs.xDelete = fv_delete;
    fv.vfs.xAccess = fv_Access;
    fv.vfs.xFullPathname = fv_FullPathname;
    fv.vfs.xDlOpen = fv_DlOpen;
    fv.vfs.xDlError = fv_DlError;
    fv.vfs.xDlSym = fv_DlSym;
    fv.vfs.xDlClose = fv_DlClose;
    fv.vfs.xRandomness = fv_Randomness;
    fv.vfs.xSleep = fv_Sleep;
    fv.vfs.xCurrentTime = fv_CurrentTime;
    fv.vfs.xGetLastError = fv_GetLastError;
    fv.vfs.xCurrentTimeInt64 = fv_CurrentTimeInt64;
    /* The system-call table stays the unix VFS's own (it is only used by SQLite's tests). */
    fv.vfs.xSetSystemCall = NULL;
    fv.vfs.xGetSystemCall = NULL;
    fv.vfs.xNextSystemCall = NULL;
    fv.vfs.iVersion = 2;
    sqlite3_vfs_register(&fv.vfs, 1);
}
