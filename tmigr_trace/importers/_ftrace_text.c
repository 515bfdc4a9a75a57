/*
 * Fast path of the ftrace text importer: one pass over a block of complete lines.
 *
 * Accepts exactly the canonical line shape
 *     <spaces><comm>-<pid> [(<tgid>)] [<cpu>] [<flags>] <sec>[.<frac>]: <event>: <key>=<value> ...
 * for the events it is given, and decodes the values of the known keys. Every other line
 * (comments, markers, mail quoting, instance prefixes, unknown events, odd bodies) is reported
 * as a misfit and parsed by the per-line reference parser in text.py, which decides what it is.
 * The two paths must produce identical rows: tests compare them on real and mutated traces.
 *
 * parse_block(block: bytes, events: list[tuple[bytes, list[tuple[bytes, int, int, int, int]]]],
 *             ncols: int)
 *   events[i] = (name, [(key, column slot, kind, lo, hi), ...]); kind: 0 ptr, 1 hex, 2 dec, 3 symbol
 * returns (nrows, nlines, cap, nptrval, slot_rows, ts, cpu, pid, tgid, event, comm, flags, line,
 *          misfit, vals, present, comm_dict, flags_dict, layout_lines): counts, then bytes buffers
 *          of native integers. Rows: comm/flags are indices into comm_dict/flags_dict (records of
 *          int64 offset + int32 length; flags -1 = none), tgid INT32_MIN = null, line/misfit are
 *          byte offsets of line starts. vals: per column slot the int64 values of every row, or
 *          None when no row has that column; present: per slot a uint8 mask when only some rows
 *          have it, else None. layout_lines
 *          holds one line offset per distinct key layout (the caller reads its keys once).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define KIND_PTR 0
#define KIND_HEX 1
#define KIND_DEC 2
#define KIND_SYM 3
#define MAX_EVENTS 64
#define MAX_KEYS 16

typedef struct {
    const char *name;
    Py_ssize_t len;
    int nkeys;
    const char *key[MAX_KEYS];
    Py_ssize_t keylen[MAX_KEYS];
    int slot[MAX_KEYS];
    int kind[MAX_KEYS];
    long long lo[MAX_KEYS];
    unsigned long long hi[MAX_KEYS];
    int hi_is_u64[MAX_KEYS];
} event_spec;

typedef struct {
    char *data;
    size_t size, cap;
} buffer;

static int buf_grow(buffer *b, size_t need) {
    if (b->size + need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->size + need)
        cap *= 2;
    char *p = PyMem_RawRealloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int buf_put(buffer *b, const void *v, size_t n) {
    if (buf_grow(b, n))
        return -1;
    memcpy(b->data + b->size, v, n);
    b->size += n;
    return 0;
}

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }
static inline int is_word(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static inline int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Unsigned decimal [p, e) with at most `maxd` digits; -1 on failure. */
static int parse_udec(const char *p, const char *e, int maxd, unsigned long long *out) {
    if (p >= e || e - p > maxd)
        return -1;
    unsigned long long v = 0;
    for (; p < e; p++) {
        if (!is_digit(*p))
            return -1;
        unsigned long long d = (unsigned long long)(*p - '0');
        if (v > (18446744073709551615ULL - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_hex(const char *p, const char *e, unsigned long long *out) {
    if (p >= e || e - p > 16)
        return -1;
    unsigned long long v = 0;
    for (; p < e; p++) {
        int h = hexval(*p);
        if (h < 0)
            return -1;
        v = (v << 4) | (unsigned long long)h;
    }
    *out = v;
    return 0;
}

/* One value; returns -1 if the text is not a value of that column (the line is a misfit). */
static int decode_value(const event_spec *ev, int k, const char *p, const char *e, int64_t *val, uint8_t *present) {
    unsigned long long u;
    int kind = ev->kind[k];
    *present = 1;
    if (kind == KIND_PTR || kind == KIND_SYM) {
        if (e - p == 16 && memcmp(p, "(____ptrval____)", 16) == 0) {
            *present = 0; *val = 0;
            return kind == KIND_SYM ? -1 : 0;
        }
        if (e - p == 5 && memcmp(p, "(nil)", 5) == 0) {
            *val = 0;
            return kind == KIND_SYM ? -1 : 0;
        }
        const char *q = p;
        if (e - q > 2 && q[0] == '0' && q[1] == 'x')
            q += 2;
        if (parse_hex(q, e, &u) == 0) {
            *val = (int64_t)u;
            return 0;
        }
        if (kind == KIND_SYM) {  /* %ps prints a symbol name: stored as null */
            *present = 0; *val = 0;
            return 0;
        }
        return -1;
    }
    if (kind == KIND_HEX) {
        if (parse_hex(p, e, &u) || u > ev->hi[k])
            return -1;
        *val = (int64_t)u;
        return 0;
    }
    /* decimal, optionally negative */
    int neg = (p < e && *p == '-');
    if (parse_udec(p + neg, e, 20, &u))
        return -1;
    if (neg) {
        if (u > 9223372036854775808ULL)
            return -1;
        long long s = (u == 9223372036854775808ULL) ? INT64_MIN : -(long long)u;
        if (s < ev->lo[k])
            return -1;
        *val = s;
        return 0;
    }
    if (u > ev->hi[k])
        return -1;
    *val = (int64_t)u;  /* u64 above S64_MAX keeps its bits, as the reference path does */
    return 0;
}

/* Parse one line [s, e); returns 0 and fills the row, or -1 for a misfit. */
static int parse_line(const char *s, const char *e, const event_spec *events, int nevents, int ncols,
                      int64_t *ts, int32_t *cpu, int32_t *pid, int32_t *tgid, int16_t *event,
                      int64_t *comm_off, int32_t *comm_len, int64_t *flags_off, int32_t *flags_len,
                      int64_t *vals, uint8_t *present, uint64_t *layout, uint64_t *comm_hash,
                      uint64_t *flags_hash, uint8_t *nptrval, int *touched, int *ntouched, const char *base) {
    const char *p = s;
    while (p < e && *p == ' ')
        p++;
    if (p >= e || *p == '#' || *p == '>')
        return -1;
    const char *comm = p;
    /* The first ": " ends the timestamp. */
    const char *c1 = NULL;
    for (const char *q = p; (q = memchr(q, ':', (size_t)(e - q))) != NULL && q + 1 < e; q++)
        if (q[1] == ' ') { c1 = q; break; }
    if (!c1)
        return -1;
    if (memchr(p, '\t', (size_t)(c1 - p)))  /* tabs in the header: the reference path decides */
        return -1;
    /* timestamp token: back to the previous space */
    const char *t = c1;
    while (t > p && t[-1] != ' ')
        t--;
    if (t == c1 || t <= p)
        return -1;
    const char *dot = NULL;
    for (const char *q = t; q < c1; q++)
        if (*q == '.') { dot = q; break; }
    unsigned long long sec, frac = 0;
    if (dot) {
        if (parse_udec(t, dot, 19, &sec) || c1 - dot - 1 < 1 || c1 - dot - 1 > 9 || parse_udec(dot + 1, c1, 9, &frac))
            return -1;
        long long mult = 1;
        for (Py_ssize_t i = c1 - dot - 1; i < 9; i++)
            mult *= 10;
        if (sec > 9223372036ULL)
            return -1;
        unsigned long long total = sec * 1000000000ULL + frac * (unsigned long long)mult;
        if (total > 9223372036854775807ULL)
            return -1;
        *ts = (int64_t)total;
    } else {
        if (parse_udec(t, c1, 19, &sec) || sec > 9223372036854775807ULL)
            return -1;
        *ts = (int64_t)sec;
    }
    /* spaces, optional flags token, spaces, ']' */
    const char *q = t - 1;
    while (q > p && *q == ' ')
        q--;
    *flags_len = 0;
    if (*q != ']') {
        const char *fe = q + 1, *fs = q;
        while (fs > p && fs[-1] != ' ')
            fs--;
        Py_ssize_t fl = fe - fs;
        if (fl < 4 || fl > 5 || is_digit(*fs))
            return -1;
        *flags_off = fs - base;
        *flags_len = (int32_t)fl;
        q = fs - 1;
        if (q <= p || *q != ' ')
            return -1;
        while (q > p && *q == ' ')
            q--;
        if (*q != ']')
            return -1;
    }
    const char *rb = q, *lb = rb - 1;
    while (lb > p && is_digit(*lb))
        lb--;
    if (*lb != '[' || lb + 1 == rb)
        return -1;
    unsigned long long ucpu;
    if (parse_udec(lb + 1, rb, 10, &ucpu) || ucpu > 2147483647ULL)
        return -1;
    *cpu = (int32_t)ucpu;
    if (rb[1] != ' ')
        return -1;
    q = lb - 1;
    if (q <= p || *q != ' ')
        return -1;
    while (q > p && *q == ' ')
        q--;
    *tgid = INT32_MIN;  /* null */
    if (*q == ')') {
        const char *te = q, *ts_ = q - 1;
        while (ts_ > p && (is_digit(*ts_) || *ts_ == '-'))
            ts_--;
        const char *tstart = ts_ + 1;
        while (ts_ > p && *ts_ == ' ')
            ts_--;
        if (*ts_ != '(' || tstart == te)
            return -1;
        /* "-?digits" is a tgid; anything else made of dashes and digits ("-------") is null */
        const char *d = tstart + (*tstart == '-');
        unsigned long long ut;
        if (d < te && parse_udec(d, te, 10, &ut) == 0 && ut <= 2147483647ULL)
            *tgid = (int32_t)(*tstart == '-' ? -(long long)ut : (long long)ut);
        q = ts_ - 1;
        if (q <= p || *q != ' ')
            return -1;
        while (q > p && *q == ' ')
            q--;
    }
    const char *pe = q + 1, *ps = q;
    while (ps > p && is_digit(ps[-1]))
        ps--;
    if (ps == pe || ps <= p || ps[-1] != '-')
        return -1;
    unsigned long long upid;
    if (parse_udec(ps, pe, 10, &upid) || upid > 2147483647ULL)
        return -1;
    *pid = (int32_t)upid;
    const char *dash = ps - 1;
    if (dash <= comm)
        return -1;
    /* The reference regex takes the first "-pid [ws] [(tgid)] [cpu]" match: a comm that itself
       contains such a sequence is left to it. */
    for (const char *r = comm; r < dash; r++)
        if (*r == '[' || *r == '\t')
            return -1;
    if (dash[-1] == ' ')  /* the reference strips a comm's trailing blanks: leave those to it */
        return -1;
    *comm_off = comm - base;
    *comm_len = (int32_t)(dash - comm);
    *comm_hash = 1469598103934665603ULL;
    for (const char *r = comm; r < dash; r++)
        *comm_hash = (*comm_hash ^ (unsigned char)*r) * 1099511628211ULL;
    *flags_hash = 0;
    for (int32_t i = 0; i < *flags_len; i++)
        *flags_hash |= (uint64_t)(unsigned char)base[*flags_off + i] << (8 * i);
    /* event name */
    const char *ev = c1 + 2, *ve = ev;
    while (ve < e && is_word(*ve))
        ve++;
    if (ve == ev || ve >= e || *ve != ':')
        return -1;
    int ei = -1;
    for (int i = 0; i < nevents; i++)
        if (events[i].len == ve - ev && memcmp(events[i].name, ev, (size_t)(ve - ev)) == 0) { ei = i; break; }
    if (ei < 0)
        return -1;
    *event = (int16_t)ei;
    const event_spec *spec = &events[ei];
    /* body: key=value tokens separated by spaces; `touched` lists the slots this line wrote
       (present[] is all zero on entry and the caller clears what a line touched) */
    *ntouched = 0;
    const char *b = ve + 1;
    while (b < e && *b == ' ')
        b++;
    int nkv = 0;
    uint64_t h = 1469598103934665603ULL;
    *nptrval = 0;
    while (b < e) {
        const char *ks = b, *kend = b;
        while (kend < e && is_word(*kend))
            kend++;
        if (kend == ks || kend >= e || *kend != '=')
            return -1;
        const char *vs = kend + 1, *vend = vs;
        while (vend < e && *vend != ' ')
            vend++;
        for (const char *x = ks; x <= kend; x++)
            h = (h ^ (unsigned char)*x) * 1099511628211ULL;
        for (int k = 0; k < spec->nkeys; k++) {
            if (spec->keylen[k] == kend - ks && memcmp(spec->key[k], ks, (size_t)(kend - ks)) == 0) {
                int slot = spec->slot[k];
                if (*ntouched >= 2 * MAX_KEYS)
                    return -1;
                touched[(*ntouched)++] = slot;
                if (decode_value(spec, k, vs, vend, &vals[slot], &present[slot]))
                    return -1;
                if (spec->kind[k] == KIND_PTR && !present[slot])
                    (*nptrval)++;
                break;
            }
        }
        nkv++;
        b = vend;
        while (b < e && *b == ' ')
            b++;
    }
    if (nkv == 0)
        return -1;
    *layout = h ^ ((uint64_t)ei << 56);
    return 0;
}

static int load_events(PyObject *events, event_spec *out, int *nevents) {
    Py_ssize_t n = PyList_Size(events);
    if (n < 0 || n > MAX_EVENTS) {
        PyErr_SetString(PyExc_ValueError, "bad event table");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GetItem(events, i), *keys;
        event_spec *ev = &out[i];
        if (!PyArg_ParseTuple(item, "y#O!", &ev->name, &ev->len, &PyList_Type, &keys))
            return -1;
        Py_ssize_t nk = PyList_Size(keys);
        if (nk > MAX_KEYS) {
            PyErr_SetString(PyExc_ValueError, "too many keys");
            return -1;
        }
        ev->nkeys = (int)nk;
        for (Py_ssize_t k = 0; k < nk; k++) {
            if (!PyArg_ParseTuple(PyList_GetItem(keys, k), "y#iiLK", &ev->key[k], &ev->keylen[k], &ev->slot[k],
                                  &ev->kind[k], &ev->lo[k], &ev->hi[k]))
                return -1;
        }
    }
    *nevents = (int)n;
    return 0;
}

/* Distinct strings of a block (comm names, flag strings, key layouts): open addressing on a
   64-bit hash, verified by comparing the bytes, so every row gets a small dictionary index. */
typedef struct {
    uint64_t *hash;
    int32_t *slot;       /* index into the distinct list, -1 = empty */
    size_t mask;
    buffer first;        /* int64 offset + int32 length of each distinct string's first occurrence */
    int32_t count;
} strdict;

static int strdict_init(strdict *d, size_t lines) {
    size_t size = 1024;
    while (size < 2 * lines)
        size *= 2;
    d->hash = PyMem_RawMalloc(size * sizeof(uint64_t));
    d->slot = PyMem_RawMalloc(size * sizeof(int32_t));
    if (!d->hash || !d->slot)
        return -1;
    memset(d->slot, 0xff, size * sizeof(int32_t));
    d->mask = size - 1;
    d->count = 0;
    memset(&d->first, 0, sizeof(buffer));
    return 0;
}

static void strdict_free(strdict *d) {
    PyMem_RawFree(d->hash);
    PyMem_RawFree(d->slot);
    PyMem_RawFree(d->first.data);
}

/* Index of base[off:off+len] (hash h), adding it on first sight; -1 when out of memory. */
static int32_t strdict_index(strdict *d, const char *base, uint64_t h, int64_t off, int32_t len) {
    size_t i = (size_t)(h ^ (h >> 29)) & d->mask;
    for (;;) {
        int32_t s = d->slot[i];
        if (s < 0)
            break;
        if (d->hash[i] == h) {
            const char *rec = d->first.data + (size_t)s * 12;
            int64_t o;
            int32_t l;
            memcpy(&o, rec, 8);
            memcpy(&l, rec + 8, 4);
            if (l == len && memcmp(base + o, base + off, (size_t)len) == 0)
                return s;
        }
        i = (i + 1) & d->mask;
    }
    if (buf_put(&d->first, &off, 8) || buf_put(&d->first, &len, 4))
        return -1;
    d->hash[i] = h;
    d->slot[i] = d->count;
    return d->count++;
}

static PyObject *parse_block(PyObject *self, PyObject *args) {
    PyObject *result = NULL;
    Py_buffer view;
    PyObject *events_obj;
    int ncols;
    if (!PyArg_ParseTuple(args, "y*O!i", &view, &PyList_Type, &events_obj, &ncols))
        return NULL;
    event_spec events[MAX_EVENTS];
    int nevents = 0;
    if (ncols <= 0 || ncols > 64 || load_events(events_obj, events, &nevents)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "bad column count");
        PyBuffer_Release(&view);
        return NULL;
    }
    const char *base = view.buf, *end = base + view.len;
    size_t cap = 1;
    for (const char *q = base; q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        cap++;
    /* Row arrays; vals and present are column-major ([ncols][cap]) so a column is one slice. */
    enum { TS, CPU, PID, TGID, EV, COMM, FLAGS, LINE, MISFIT, NOUT };
    const size_t width[NOUT] = {8, 4, 4, 4, 2, 4, 2, 8, 8};
    buffer out[NOUT];
    memset(out, 0, sizeof(out));
    strdict comms, flags, layouts;
    memset(&comms, 0, sizeof(strdict));
    memset(&flags, 0, sizeof(strdict));
    memset(&layouts, 0, sizeof(strdict));
    int64_t *vals = PyMem_RawMalloc(8 * (size_t)ncols * cap);
    uint8_t *present = PyMem_RawCalloc((size_t)ncols * cap, 1);
    int64_t *row_vals = PyMem_RawMalloc(8 * (size_t)ncols);
    uint8_t *row_present = PyMem_RawCalloc((size_t)ncols, 1);
    int64_t slot_rows[64] = {0};
    int oom = !vals || !present || !row_vals || !row_present;
    for (int i = 0; i < NOUT && !oom; i++)
        oom |= buf_grow(&out[i], width[i] * cap);
    oom = oom || strdict_init(&comms, cap) || strdict_init(&flags, cap) || strdict_init(&layouts, cap);
    if (oom) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t nrows = 0, nlines = 0;
    int64_t nptrval = 0;
    Py_BEGIN_ALLOW_THREADS
    const char *s = base;
    while (s < end && !oom) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        const char *le = (e > s && e[-1] == '\r') ? e - 1 : e;
        int64_t ts = 0, comm_off = 0, flags_off = 0, off = s - base;
        int32_t cpu = 0, pid = 0, tgid = 0, comm_len = 0, flags_len = 0;
        int16_t ev = 0;
        uint64_t layout = 0, comm_hash = 0, flags_hash = 0;
        uint8_t nptr = 0;
        int touched[2 * MAX_KEYS], ntouched = 0;
        int ok = parse_line(s, le, events, nevents, ncols, &ts, &cpu, &pid, &tgid, &ev, &comm_off, &comm_len,
                            &flags_off, &flags_len, row_vals, row_present, &layout, &comm_hash, &flags_hash, &nptr,
                            touched, &ntouched, base) == 0;
        if (ok) {
            int32_t comm = strdict_index(&comms, base, comm_hash, comm_off, comm_len);
            int16_t flag = -1;
            if (flags_len > 0)
                flag = (int16_t)strdict_index(&flags, base, flags_hash, flags_off, flags_len);
            /* key layouts: remembered by hash with the line's offset, for the caller to read once */
            int32_t lay = strdict_index(&layouts, base, layout, off, 0);
            oom |= comm < 0 || flag < -1 || lay < 0 || flags.count > 32767;
            for (int t = 0; t < ntouched; t++) {
                int c = touched[t];
                if (present[(size_t)c * cap + (size_t)nrows])
                    continue;  /* a key printed twice: the last value is in row_vals already */
                vals[(size_t)c * cap + (size_t)nrows] = row_vals[c];
                present[(size_t)c * cap + (size_t)nrows] = row_present[c];
                slot_rows[c] += row_present[c];
            }
            oom |= buf_put(&out[TS], &ts, 8) | buf_put(&out[CPU], &cpu, 4) | buf_put(&out[PID], &pid, 4)
                 | buf_put(&out[TGID], &tgid, 4) | buf_put(&out[EV], &ev, 2) | buf_put(&out[COMM], &comm, 4)
                 | buf_put(&out[FLAGS], &flag, 2) | buf_put(&out[LINE], &off, 8);
            nptrval += nptr;
            nrows++;
        } else {
            oom |= buf_put(&out[MISFIT], &off, 8);
        }
        for (int t = 0; t < ntouched; t++)
            row_present[touched[t]] = 0;
        nlines++;
        s = nl ? nl + 1 : end;
    }
    Py_END_ALLOW_THREADS
    if (oom) {
        PyErr_NoMemory();
        goto fail;
    }
    /* (nrows, nlines, cap, nptrval, slot_rows, ts, cpu, pid, tgid, event, comm, flags, line, misfit,
        vals, present, comm_dict, flags_dict, layout_lines) */
    result = PyTuple_New(NOUT + 10);
    if (!result)
        goto fail;
    PyTuple_SET_ITEM(result, 0, PyLong_FromSsize_t(nrows));
    PyTuple_SET_ITEM(result, 1, PyLong_FromSsize_t(nlines));
    PyTuple_SET_ITEM(result, 2, PyLong_FromSize_t(cap));
    PyTuple_SET_ITEM(result, 3, PyLong_FromLongLong(nptrval));
    PyTuple_SET_ITEM(result, 4, PyBytes_FromStringAndSize((const char *)slot_rows, 8 * (Py_ssize_t)ncols));
    for (int i = 0; i < NOUT; i++)
        PyTuple_SET_ITEM(result, i + 5, PyBytes_FromStringAndSize(out[i].data ? out[i].data : "", (Py_ssize_t)out[i].size));
    /* Only the columns this block has: values per slot, and a presence mask only when partial. */
    PyObject *val_list = PyList_New(ncols), *present_list = PyList_New(ncols);
    if (!val_list || !present_list) {
        Py_XDECREF(val_list);
        Py_XDECREF(present_list);
        Py_CLEAR(result);
        goto fail;
    }
    for (int c = 0; c < ncols; c++) {
        PyObject *v = Py_None, *m = Py_None;
        if (slot_rows[c] > 0)
            v = PyBytes_FromStringAndSize((const char *)(vals + (size_t)c * cap), 8 * nrows);
        else
            Py_INCREF(v);
        if (slot_rows[c] > 0 && slot_rows[c] < nrows)
            m = PyBytes_FromStringAndSize((const char *)(present + (size_t)c * cap), nrows);
        else
            Py_INCREF(m);
        PyList_SET_ITEM(val_list, c, v);
        PyList_SET_ITEM(present_list, c, m);
    }
    PyTuple_SET_ITEM(result, NOUT + 5, val_list);
    PyTuple_SET_ITEM(result, NOUT + 6, present_list);
    strdict *dicts[3] = {&comms, &flags, &layouts};
    for (int i = 0; i < 3; i++)
        PyTuple_SET_ITEM(result, NOUT + 7 + i, PyBytes_FromStringAndSize(dicts[i]->first.data ? dicts[i]->first.data : "", (Py_ssize_t)dicts[i]->first.size));
fail:
    for (int i = 0; i < NOUT; i++)
        PyMem_RawFree(out[i].data);
    strdict_free(&comms);
    strdict_free(&flags);
    strdict_free(&layouts);
    PyMem_RawFree(vals);
    PyMem_RawFree(present);
    PyMem_RawFree(row_vals);
    PyMem_RawFree(row_present);
    PyBuffer_Release(&view);
    return PyErr_Occurred() ? NULL : result;
}

static PyMethodDef methods[] = {
    {"parse_block", parse_block, METH_VARARGS, "Parse a block of complete ftrace text lines (see module source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ftrace_text", "ftrace text fast path", -1, methods};

PyMODINIT_FUNC PyInit__ftrace_text(void) { return PyModule_Create(&module); }
