/*
 * Fast path of the ring-buffer page decoder (collectors/ringbuffer.py): one pass over all pages
 * of one CPU, record by record, with the GIL released.
 *
 * A page is `struct buffer_data_page` (kernel/trace/ring_buffer.c): u64 time_stamp, local_t
 * commit (bit 31 RB_MISSED_EVENTS, bit 30 RB_MISSED_STORED, the low 20 bits the data length),
 * data[]. With RB_MISSED_STORED the number of lost events (unsigned long) follows the data.
 * Records start with a 32-bit header type_len:5 | time_delta:27:
 *   1..28  event, payload type_len*4 bytes at array[0]
 *   0      event, array[0] = payload length + 4, payload at array[1]
 *   29     padding: time_delta 0 = end of the page's data, else a discarded event of
 *          array[0] + 4 bytes whose delta counts
 *   30     time extend: delta = array[0] << 27 | time_delta
 *   31     absolute time stamp array[0] << 27 | time_delta (59 bits; the 5 MSBs come back from the
 *          running time, as rb_fix_abs_ts does)
 *
 * The rules, including those for malformed pages, are exactly the ones of the reference walk
 * (ringbuffer.walk_pages); tests compare both on real and hand-built pages.
 *
 * walk(buf, page_size, ts_offset, commit_offset, commit_size, data_offset, data_size, width, qwords, out)
 *   -> (n, needed)
 * n = number of event records, needed = bytes of output. When `out` (a writable buffer, reused
 * by the caller across calls so that no fresh memory is faulted in per chunk) holds at least
 * `needed` bytes, it receives, in this order (npages = len(buf) // page_size):
 *   missed   int64[npages]  -1 no loss flagged, -2 flagged without count, -3 damaged page (its
 *                           length beyond the data area, or a record running past the
 *                           commit: the page is read up to there), else the stored count
 *   ts       uint64[n]      time of each record
 *   offset   int64[n]       payload offset in buf
 *   page_idx int32[n]
 *   length   int32[n]       payload bytes
 *   payload  the first `width` bytes (a multiple of 8) at each record's payload
 * offset (byte j is buf[min(offset + j, len(buf) - 1)], as the reference gathers them), stored
 * transposed as width/8 rows of n little-endian qwords: qword j of record i at payload[j * n + i],
 * so that a field is a contiguous (or 8-byte strided) array. qwords (65536 bytes) gives per
 * common_type how many of the width/8 qwords are needed (the event's fixed layout); the rest of
 * that record's slot is left as it was (0 = all).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define RB_MISSED_EVENTS (1ULL << 31)
#define RB_MISSED_STORED (1ULL << 30)
#define TS_SHIFT 27
#define TS_MSB (0xF8ULL << 56)
#define TYPE_PADDING 29
#define TYPE_TIME_EXTEND 30
#define TYPE_TIME_STAMP 31
#define MAX_WIDTH 4096

typedef struct {
    Py_ssize_t P, ts_off, commit_off, commit_size, data_off, data_size, width;
    const unsigned char *qwords; /* per common_type: how many qwords of the slot are used (>= 1) */
} layout;

typedef struct {
    int32_t *page;
    int64_t *off;
    int32_t *len;
    uint64_t *ts;
    unsigned char *payload;
    Py_ssize_t total; /* number of records (the payload's row length) */
} outputs;

static inline uint64_t rd_u64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t rd_u32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Walks every page; counts the event records (out == NULL) or also stores them. */
static Py_ssize_t walk_all(const unsigned char *raw, Py_ssize_t rawlen, const layout *L, int64_t *missed,
                           outputs *out) {
    const Py_ssize_t P = L->P, width = L->width;
    const Py_ssize_t npages = rawlen / P;
    const int64_t nwords = (L->data_size - L->data_size % 4) / 4;
    Py_ssize_t n = 0;
    for (Py_ssize_t p = 0; p < npages; p++) {
        const unsigned char *pg = raw + p * P;
        uint64_t ts = rd_u64(pg + L->ts_off);
        uint64_t commit = L->commit_size == 8 ? rd_u64(pg + L->commit_off) : rd_u32(pg + L->commit_off);
        int64_t length = (int64_t)(commit & 0xFFFFF);
        int damaged = length > L->data_size;
        if (length > L->data_size)
            length = L->data_size;
        if (missed) {
            missed[p] = (commit & RB_MISSED_EVENTS) ? -2 : -1;
            if (commit & RB_MISSED_STORED) {
                Py_ssize_t o = L->data_off + length;
                if (o + 8 <= P)
                    missed[p] = (int64_t)rd_u64(pg + o);
            }
        }
        const unsigned char *words = pg + L->data_off;
        int64_t end = length / 4, pos = 0;
        while (pos < end) {
            uint32_t w = rd_u32(words + pos * 4);
            unsigned tl = w & 31;
            uint64_t delta = w >> 5;
            int64_t a1 = pos + 1 < nwords ? pos + 1 : nwords - 1;
            uint64_t a0 = rd_u32(words + a1 * 4);
            int64_t size, poff = 0, plen = 0;
            int is_event = 0;
            if (tl == TYPE_TIME_EXTEND) {
                ts += (a0 << TS_SHIFT) + delta;
                size = 2;
            } else if (tl == TYPE_TIME_STAMP) {
                uint64_t absv = (a0 << TS_SHIFT) | delta;
                uint64_t msb = ts & TS_MSB;
                uint64_t fixed = absv | msb;
                if (msb && fixed < ts)
                    fixed += 1ULL << 59;
                ts = fixed;
                size = 2;
            } else {
                ts += delta;
                if (tl == TYPE_PADDING) {
                    if (delta == 0)
                        break;
                    size = 1 + ((int64_t)a0 + 3) / 4;
                } else if (tl == 0) {
                    size = 1 + ((int64_t)a0 + 3) / 4;
                    is_event = 1;
                    poff = pos + 2;
                    plen = (int64_t)a0 - 4;
                } else {
                    size = tl + 1;
                    is_event = 1;
                    poff = pos + 1;
                    plen = (int64_t)tl * 4;
                }
            }
            if (pos + size > end) { /* a record past the commit: the page is damaged */
                damaged = 1;
                break;
            }
            if (is_event) {
                if (out) {
                    int64_t off = (int64_t)p * P + L->data_off + poff * 4;
                    out->page[n] = (int32_t)p;
                    out->off[n] = off;
                    out->len[n] = (int32_t)plen;
                    out->ts[n] = ts;
                    /* the slot is stored transposed: qword j of record n at payload[j][n] */
                    unsigned char slot[MAX_WIDTH];
                    const unsigned char *src = raw + off;
                    if (off + width > rawlen) {
                        for (Py_ssize_t j = 0; j < width; j++)
                            slot[j] = raw[off + j < rawlen ? off + j : rawlen - 1];
                        src = slot;
                    }
                    uint16_t type;
                    memcpy(&type, src, 2);
                    Py_ssize_t nq = L->qwords[type];
                    if (nq < 1 || nq > width / 8)
                        nq = width / 8;
                    for (Py_ssize_t j = 0; j < nq; j++)
                        memcpy(out->payload + ((size_t)j * (size_t)out->total + (size_t)n) * 8, src + j * 8, 8);
                }
                n++;
            }
            pos += size;
        }
        if (damaged && missed)
            missed[p] = -3;
    }
    return n;
}

static PyObject *walk(PyObject *self, PyObject *args) {
    Py_buffer view, outv;
    PyObject *outobj;
    const char *qw;
    Py_ssize_t qwlen;
    layout L;
    if (!PyArg_ParseTuple(args, "y*nnnnnnny#O", &view, &L.P, &L.ts_off, &L.commit_off, &L.commit_size, &L.data_off,
                          &L.data_size, &L.width, &qw, &qwlen, &outobj))
        return NULL;
    L.qwords = (const unsigned char *)qw;
    if (L.P <= 0 || L.data_off + L.data_size > L.P || L.ts_off + 8 > L.P || L.commit_off + L.commit_size > L.P ||
        (L.commit_size != 4 && L.commit_size != 8) || L.width < 8 || L.width % 8 || L.data_size < 4 ||
        L.width > MAX_WIDTH || qwlen != 65536) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "bad page layout");
        return NULL;
    }
    const unsigned char *raw = view.buf;
    Py_ssize_t rawlen = view.len, npages = rawlen / L.P, n;
    /* pass 1: count the records (and find where the outputs go) */
    Py_BEGIN_ALLOW_THREADS
    n = walk_all(raw, rawlen, &L, NULL, NULL);
    Py_END_ALLOW_THREADS
    Py_ssize_t needed = npages * 8 + n * (8 + 8 + 4 + 4 + L.width);
    if (outobj == Py_None) {
        PyBuffer_Release(&view);
        return Py_BuildValue("(nn)", n, needed);
    }
    if (PyObject_GetBuffer(outobj, &outv, PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    if (outv.len >= needed) {
        unsigned char *o = outv.buf;
        int64_t *missed = (int64_t *)o;
        outputs out;
        out.ts = (uint64_t *)(o + npages * 8);
        out.off = (int64_t *)(o + npages * 8 + n * 8);
        out.page = (int32_t *)(o + npages * 8 + n * 16);
        out.len = (int32_t *)(o + npages * 8 + n * 20);
        out.payload = o + npages * 8 + n * 24;
        out.total = n;
        /* pass 2: store */
        Py_BEGIN_ALLOW_THREADS
        walk_all(raw, rawlen, &L, missed, &out);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&outv);
    PyBuffer_Release(&view);
    return Py_BuildValue("(nn)", n, needed);
}

/*
 * gather(parts, order, starts, ev_code, spec, code_start, hdr_out, col_outs, valid_outs) -> counts
 *
 * The merge of several runs of walked records (each a (width/8, n_p) array of payload qwords,
 * rows contiguous, as `walk` stores them) and the extraction of their store columns, in one pass
 * and without building the merged payload: output row i is record order[i] of the runs laid end
 * to end (starts: int64[k+1], the first global index of each run). Its header qword goes to
 * hdr_out[i]; for its event code (ev_code: int16[65536] by common_type) the spec entries
 * spec[code_start[code] .. code_start[code + 1]) (int32 sextuples: column, qword row, byte offset
 * in the qword, source size, source signed, destination size) say which column gets which field:
 * the field is read as a little-endian integer of its size (sign- or zero-extended) and its low
 * bytes stored, numpy's integer astype. Bit i of valid_outs[column] (an Arrow validity bitmap,
 * zeroed by the caller) is set where a value was stored (rows of other events are not touched).
 * Returns the number of values stored per column.
 */
static PyObject *gather(PyObject *self, PyObject *args) {
    PyObject *parts, *col_outs, *valid_outs;
    Py_buffer order, starts, evc, spec, cstart, hdr;
    if (!PyArg_ParseTuple(args, "O!y*y*y*y*y*w*O!O!", &PyTuple_Type, &parts, &order, &starts, &evc, &spec, &cstart,
                          &hdr, &PyTuple_Type, &col_outs, &PyTuple_Type, &valid_outs))
        return NULL;
    Py_ssize_t k = PyTuple_GET_SIZE(parts), ncol = PyTuple_GET_SIZE(col_outs);
    Py_ssize_t m = order.len / 8, nspec = spec.len / 24, ncodes = cstart.len / 4 - 1;
    Py_buffer *pv = PyMem_Calloc(k ? k : 1, sizeof(Py_buffer));
    Py_buffer *cv = PyMem_Calloc(ncol ? ncol : 1, sizeof(Py_buffer));
    Py_buffer *vv = PyMem_Calloc(ncol ? ncol : 1, sizeof(Py_buffer));
    Py_ssize_t *counts = PyMem_Calloc(ncol ? ncol : 1, sizeof(Py_ssize_t));
    PyObject *result = NULL;
    if (!pv || !cv || !vv || !counts) {
        PyErr_NoMemory();
        goto done;
    }
    if (PyTuple_GET_SIZE(valid_outs) != ncol || starts.len != (k + 1) * 8 || evc.len != 65536 * 2 ||
        spec.len % 24 || cstart.len < 8 || hdr.len < m * 8) {
        PyErr_SetString(PyExc_ValueError, "gather: bad argument sizes");
        goto done;
    }
    const int64_t *st = starts.buf;
    Py_ssize_t width_q = -1;
    for (Py_ssize_t p = 0; p < k; p++) {
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(parts, p), &pv[p], PyBUF_STRIDES) < 0)
            goto done;
        Py_buffer *b = &pv[p];
        if (b->ndim != 2 || b->itemsize != 8 || b->strides[1] != 8 || b->shape[1] != st[p + 1] - st[p] ||
            (width_q >= 0 && b->shape[0] != width_q) || st[p + 1] < st[p]) {
            PyErr_SetString(PyExc_ValueError, "gather: a run is not a (width/8, n) array of rows of qwords");
            goto done;
        }
        width_q = b->shape[0];
    }
    for (Py_ssize_t c = 0; c < ncol; c++) {
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(col_outs, c), &cv[c], PyBUF_WRITABLE) < 0)
            goto done;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(valid_outs, c), &vv[c], PyBUF_WRITABLE) < 0)
            goto done;
        if (vv[c].len < (m + 7) / 8) {
            PyErr_SetString(PyExc_ValueError, "gather: a validity bitmap is too short");
            goto done;
        }
    }
    const int32_t *sp = spec.buf, *cs = cstart.buf;
    for (Py_ssize_t e = 0; e < nspec; e++) { /* every entry must fit its buffers */
        const int32_t *f = sp + e * 6;
        if (f[0] < 0 || f[0] >= ncol || f[1] < 0 || f[1] >= width_q || f[2] < 0 || f[2] + f[3] > 8 ||
            (f[3] != 1 && f[3] != 2 && f[3] != 4 && f[3] != 8) || (f[5] != 1 && f[5] != 2 && f[5] != 4 && f[5] != 8) ||
            cv[f[0]].len < m * f[5]) {
            PyErr_SetString(PyExc_ValueError, "gather: bad column spec");
            goto done;
        }
    }
    for (Py_ssize_t c = 0; c <= ncodes; c++) {
        if (cs[c] < 0 || cs[c] > nspec || (c && cs[c] < cs[c - 1])) {
            PyErr_SetString(PyExc_ValueError, "gather: bad code table");
            goto done;
        }
    }
    const int64_t *ord = order.buf, total = st[k];
    const int16_t *ev = evc.buf;
    uint64_t *h = hdr.buf;
    int bad = 0;
    /* the entries as plain pointers and sizes: no per-field lookup of the column's buffers */
    typedef struct {
        unsigned char *dst, *valid;
        Py_ssize_t qoff; /* byte offset of the field in a run's row 0, per row stride */
        int32_t qrow, src, sign, dsize, col;
    } entry;
    entry *es = PyMem_Calloc(nspec ? nspec : 1, sizeof(entry));
    if (!es) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t e = 0; e < nspec; e++) {
        const int32_t *f = sp + e * 6;
        es[e] = (entry){cv[f[0]].buf, vv[f[0]].buf, f[2], f[1], f[3], f[4], f[5], f[0]};
    }
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t p = 0;
    for (Py_ssize_t i = 0; i < m && !bad; i++) {
        int64_t g = ord[i];
        if (g < 0 || g >= total) {
            bad = 1;
            break;
        }
        if (g < st[p] || g >= st[p + 1]) { /* runs are few: a binary search when the run changes */
            Py_ssize_t lo = 0, hi = k - 1;
            while (lo < hi) {
                Py_ssize_t mid = (lo + hi + 1) / 2;
                if (st[mid] <= g)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            p = lo;
        }
        const unsigned char *base = pv[p].buf;
        Py_ssize_t rs = pv[p].strides[0], r = (Py_ssize_t)(g - st[p]);
        uint64_t q0;
        memcpy(&q0, base + r * 8, 8);
        h[i] = q0;
        int code = ev[q0 & 0xFFFF];
        if (code < 0 || code >= ncodes)
            continue;
        for (int32_t e = cs[code]; e < cs[code + 1]; e++) {
            const entry *f = &es[e];
            const unsigned char *src = base + f->qrow * rs + r * 8 + f->qoff;
            int64_t v;
            switch (f->src) {
            case 1: v = f->sign ? (int64_t)(int8_t)src[0] : (int64_t)src[0]; break;
            case 2: { uint16_t x; memcpy(&x, src, 2); v = f->sign ? (int64_t)(int16_t)x : (int64_t)x; break; }
            case 4: { uint32_t x; memcpy(&x, src, 4); v = f->sign ? (int64_t)(int32_t)x : (int64_t)x; break; }
            default: memcpy(&v, src, 8);
            }
            switch (f->dsize) { /* the low bytes (little-endian), fixed-size stores */
            case 1: f->dst[i] = (uint8_t)v; break;
            case 2: { uint16_t x = (uint16_t)v; memcpy(f->dst + i * 2, &x, 2); break; }
            case 4: { uint32_t x = (uint32_t)v; memcpy(f->dst + i * 4, &x, 4); break; }
            default: memcpy(f->dst + i * 8, &v, 8);
            }
            f->valid[i >> 3] |= (unsigned char)(1u << (i & 7));
            counts[f->col]++;
        }
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(es);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "gather: an order index is outside the runs");
        goto done;
    }
    result = PyTuple_New(ncol);
    if (result)
        for (Py_ssize_t c = 0; c < ncol; c++)
            PyTuple_SET_ITEM(result, c, PyLong_FromSsize_t(counts[c]));
done: /* the views were zeroed: a view not (successfully) taken has no obj */
    for (Py_ssize_t p = 0; pv && p < k; p++)
        if (pv[p].obj)
            PyBuffer_Release(&pv[p]);
    for (Py_ssize_t c = 0; cv && vv && c < ncol; c++) {
        if (cv[c].obj)
            PyBuffer_Release(&cv[c]);
        if (vv[c].obj)
            PyBuffer_Release(&vv[c]);
    }
    PyMem_Free(pv);
    PyMem_Free(cv);
    PyMem_Free(vv);
    PyMem_Free(counts);
    PyBuffer_Release(&order);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&evc);
    PyBuffer_Release(&spec);
    PyBuffer_Release(&cstart);
    PyBuffer_Release(&hdr);
    return result;
}

static PyMethodDef methods[] = {
    {"walk", walk, METH_VARARGS,
     "walk(buf, page_size, ts_off, commit_off, commit_size, data_off, data_size, width, qwords, out) -> (n, needed)"},
    {"gather", gather, METH_VARARGS,
     "gather(parts, order, starts, ev_code, spec, code_start, hdr_out, col_outs, valid_outs) -> counts per column"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ringbuffer", "ftrace ring-buffer page walk", -1, methods};

PyMODINIT_FUNC PyInit__ringbuffer(void) { return PyModule_Create(&module); }
