/*
 * _native.c - holoflow._native, the CPython extension under the Python
 * package `holoflow`: a thin layer over the public C API (holoflow.h) and
 * nothing else.
 *
 * It gives Python a Writer (hf_writer_open/put_columns/flush/close/abort,
 * stop), read (hf_reader_*: a whole table as column buffers and lists),
 * describe_target, option_canonical and the library's log lines.
 * The pandas-facing logic (parameters, dtype dispatch, chunking) is Python
 * in holoflow/_write.py; what runs per value is here or in the engine:
 *
 *   - Numeric, boolean and datetime64 columns arrive as buffers (the
 *     buffer protocol of numpy arrays) and are handed to the engine as
 *     hf_vec_t vectors without copying or touching a Python object.
 *   - Object columns (str, bytes, Decimal, lists, ...) are read here, with
 *     the GIL held, into arrays of UTF-8 pointers (str objects keep their
 *     UTF-8 form cached, so nothing is copied) or list offsets plus a
 *     typed child vector; other objects become their str().
 *   - Every engine call that can block (connecting, converting and
 *     writing, flushing) runs on a helper thread while the calling thread
 *     waits with the GIL released, waking every 50 ms to let Python run
 *     its signal handlers: a KeyboardInterrupt then calls hf_writer_stop()
 *     (a bounded bulk load rolls back), waits for the engine to return and
 *     is raised.
 *   - Log lines: hf_log_set_callback() puts each line in a queue guarded by
 *     its own mutex (engine threads never take the GIL); Python drains it
 *     into the `holoflow` logger after each call.
 *
 * Errors of the engine raise _native.EngineError(code, message, bad_row);
 * holoflow/_errors.py maps them to holoflow.Error subclasses.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "holoflow.h"

#define ERRSTR_MAX 2048
#define LOG_QUEUE_MAX 10000

static PyObject *EngineError;
/* set_json_dumps(): how dicts and lists become the text of a string
 * column (json.dumps with the package's settings). */
static PyObject *json_dumps;

/* ------------------------------------------------------------ log queue */

struct log_line {
    int level;
    char *msg;
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static struct log_line *log_q;
static size_t log_n, log_cap;
static size_t log_dropped;

static void log_cb(hf_log_level_t level, const char *msg, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&log_mu);
    if (log_n >= LOG_QUEUE_MAX) {
        log_dropped++;
    } else {
        if (log_n == log_cap) {
            size_t cap = log_cap ? log_cap * 2 : 64;
            struct log_line *q = realloc(log_q, cap * sizeof *q);
            if (q) {
                log_q = q;
                log_cap = cap;
            }
        }
        char *copy = log_n < log_cap ? strdup(msg) : NULL;
        if (copy) {
            log_q[log_n].level = (int)level;
            log_q[log_n].msg = copy;
            log_n++;
        } else {
            log_dropped++;
        }
    }
    pthread_mutex_unlock(&log_mu);
}

/* drain_logs() -> (list of (level, message), dropped) */
static PyObject *py_drain_logs(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    pthread_mutex_lock(&log_mu);
    struct log_line *q = log_q;
    size_t n = log_n, dropped = log_dropped;
    log_q = NULL;
    log_n = log_cap = 0;
    log_dropped = 0;
    pthread_mutex_unlock(&log_mu);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; i < n; i++) {
        if (list) {
            PyObject *t = Py_BuildValue("(is)", q[i].level, q[i].msg);
            if (t == NULL) {
                Py_CLEAR(list);
            } else {
                PyList_SET_ITEM(list, (Py_ssize_t)i, t);
            }
        }
        free(q[i].msg);
    }
    free(q);
    if (list == NULL)
        return NULL;
    return Py_BuildValue("(Nn)", list, (Py_ssize_t)dropped);
}

/* set_log_level(level): 0 error, 1 warn, 2 info, 3 debug. */
static PyObject *py_set_log_level(PyObject *self, PyObject *args)
{
    (void)self;
    int level;
    if (!PyArg_ParseTuple(args, "i", &level))
        return NULL;
    if (level < HF_LOG_ERROR)
        level = HF_LOG_ERROR;
    if (level > HF_LOG_DEBUG)
        level = HF_LOG_DEBUG;
    hf_log_configure((hf_log_level_t)level, 0);
    Py_RETURN_NONE;
}

/* Log `msg` to the `holoflow` logger right away (the GIL held; level 1 =
 * warning, else info); any error of that is dropped. */
static void log_now(int warn, const char *msg)
{
    PyObject *logging = PyImport_ImportModule("logging");
    PyObject *logger = logging ? PyObject_CallMethod(logging, "getLogger",
                                                     "s", "holoflow")
                               : NULL;
    PyObject *r = logger ? PyObject_CallMethod(logger, warn ? "warning"
                                                            : "info",
                                               "s", msg)
                         : NULL;
    Py_XDECREF(r);
    Py_XDECREF(logger);
    Py_XDECREF(logging);
    PyErr_Clear();
}

/* set_json_dumps(fn): fn(obj) -> str for dicts and lists in string
 * columns. */
static PyObject *py_set_json_dumps(PyObject *self, PyObject *fn)
{
    (void)self;
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "set_json_dumps takes a callable");
        return NULL;
    }
    Py_XSETREF(json_dumps, Py_NewRef(fn));
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------ blocking calls */

/* Run fn(arg) on a helper thread; the caller's thread waits with the GIL
 * released and runs Python's signal handlers every 50 ms. When one raises
 * (KeyboardInterrupt), `on_signal(sarg)` is called once (hf_writer_stop)
 * and the wait goes on until fn returns. Returns 0, or -1 with the
 * handler's exception set (fn has finished either way). */
struct blocking {
    void (*fn)(void *);
    void *arg;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int done;
};

static void *blocking_main(void *p)
{
    struct blocking *b = p;
    b->fn(b->arg);
    pthread_mutex_lock(&b->mu);
    b->done = 1;
    pthread_cond_signal(&b->cond);
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

static void read_stop_fn(void *r);

static int run_blocking(void (*fn)(void *), void *arg,
                        void (*on_signal)(void *), void *sarg)
{
    struct blocking b = {.fn = fn, .arg = arg, .done = 0};
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cond, NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, blocking_main, &b) != 0) {
        /* No thread: run here, without the GIL, uninterruptibly. */
        Py_BEGIN_ALLOW_THREADS
        fn(arg);
        Py_END_ALLOW_THREADS
        pthread_mutex_destroy(&b.mu);
        pthread_cond_destroy(&b.cond);
        return 0;
    }
    PyObject *et = NULL, *ev = NULL, *tb = NULL;
    for (;;) {
        int done;
        Py_BEGIN_ALLOW_THREADS
        pthread_mutex_lock(&b.mu);
        if (!b.done) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 50 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&b.cond, &b.mu, &ts);
        }
        done = b.done;
        pthread_mutex_unlock(&b.mu);
        Py_END_ALLOW_THREADS
        if (done)
            break;
        if (et == NULL && PyErr_CheckSignals() != 0) {
            PyErr_Fetch(&et, &ev, &tb);
            if (on_signal) {
                on_signal(sarg);
                log_now(1, on_signal == read_stop_fn
                               ? "interrupted: stopping the reader; waiting "
                                 "for the engine to return"
                               : "interrupted: stopping the writer (a bulk "
                                 "load rolls back); waiting for the engine "
                                 "to return");
            }
        }
    }
    pthread_join(th, NULL);
    pthread_mutex_destroy(&b.mu);
    pthread_cond_destroy(&b.cond);
    if (et) {
        PyErr_Restore(et, ev, tb);
        return -1;
    }
    return 0;
}

static PyObject *engine_error(hf_err_t code, const char *msg, long long bad)
{
    PyObject *v = Py_BuildValue("(isL)", (int)code, msg, bad);
    if (v) {
        PyErr_SetObject(EngineError, v);
        Py_DECREF(v);
    }
    return NULL;
}

/* ------------------------------------------------------------ options */

/* A Python sequence of str into a NULL-free C array of borrowed UTF-8
 * strings; *keep holds the fast sequence that owns them. */
static const char **str_array(PyObject *seq, Py_ssize_t *n, PyObject **keep)
{
    PyObject *fast = PySequence_Fast(seq, "options must be a sequence");
    if (fast == NULL)
        return NULL;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(fast);
    const char **a = PyMem_Calloc((size_t)(len ? len : 1), sizeof *a);
    if (a == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        a[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i));
        if (a[i] == NULL) {
            PyMem_Free(a);
            Py_DECREF(fast);
            return NULL;
        }
    }
    *n = len;
    *keep = fast;
    return a;
}

/* ------------------------------------------------------------ describe */

struct describe_call {
    const char *columns;
    const char *const *opts;
    size_t nopts;
    hf_column_info_t *cols;
    size_t ncols;
    hf_err_t rc;
    char errstr[ERRSTR_MAX];
};

static void describe_fn(void *p)
{
    struct describe_call *c = p;
    c->rc = hf_writer_describe_target(c->columns, c->opts, c->nopts, &c->cols,
                                      &c->ncols, c->errstr, sizeof c->errstr);
}

/* describe_target(columns, options) -> list of (name, type or None,
 * pg_type, pk position, not_null, has_default, generated) */
static PyObject *py_describe_target(PyObject *self, PyObject *args)
{
    (void)self;
    const char *columns;
    PyObject *opts;
    if (!PyArg_ParseTuple(args, "sO", &columns, &opts))
        return NULL;
    Py_ssize_t n;
    PyObject *keep = NULL;
    const char **o = str_array(opts, &n, &keep);
    if (o == NULL)
        return NULL;
    struct describe_call *c = PyMem_Calloc(1, sizeof *c);
    if (c == NULL) {
        PyMem_Free(o);
        Py_DECREF(keep);
        return PyErr_NoMemory();
    }
    c->columns = columns;
    c->opts = o;
    c->nopts = (size_t)n;
    int sig = run_blocking(describe_fn, c, NULL, NULL);
    PyMem_Free(o);
    Py_DECREF(keep);
    PyObject *res = NULL;
    if (sig != 0) {
        /* interrupted: the exception is set */
    } else if (c->rc != HF_OK) {
        engine_error(c->rc, c->errstr, -1);
    } else {
        res = PyList_New((Py_ssize_t)c->ncols);
        for (size_t i = 0; res && i < c->ncols; i++) {
            const hf_column_info_t *ci = &c->cols[i];
            PyObject *t = Py_BuildValue("(szsiOOO)", ci->name, ci->type,
                                        ci->pg_type, ci->pk,
                                        ci->not_null ? Py_True : Py_False,
                                        ci->has_default ? Py_True : Py_False,
                                        ci->generated ? Py_True : Py_False);
            if (t == NULL)
                Py_CLEAR(res);
            else
                PyList_SET_ITEM(res, (Py_ssize_t)i, t);
        }
    }
    hf_column_info_free(c->cols, c->ncols);
    PyMem_Free(c);
    return res;
}

/* option_canonical(connector, key) -> canonical key, or None */
static PyObject *py_option_canonical(PyObject *self, PyObject *args)
{
    (void)self;
    const char *conn, *key;
    if (!PyArg_ParseTuple(args, "ss", &conn, &key))
        return NULL;
    char buf[256];
    hf_err_t rc = hf_option_canonical(conn, key, buf, sizeof buf);
    if (rc == HF_ERR_USAGE)
        return engine_error(rc, "unknown connector", -1);
    if (rc != HF_OK)
        Py_RETURN_NONE;
    return PyUnicode_FromString(buf);
}

/* ------------------------------------------------------------ Writer */

typedef struct {
    PyObject_HEAD
    hf_writer_t *w;
} WriterObject;

struct open_call {
    const char *columns;
    const char *const *opts;
    size_t nopts;
    unsigned flags;
    hf_writer_t *w;
    hf_err_t rc;
    char errstr[ERRSTR_MAX];
};

static void open_fn(void *p)
{
    struct open_call *c = p;
    c->w = hf_writer_open(c->columns, c->opts, c->nopts, c->flags, &c->rc,
                          c->errstr, sizeof c->errstr);
}

static int Writer_init(WriterObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"columns", "options", "bounded", NULL};
    const char *columns;
    PyObject *opts;
    int bounded = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "sO|p", kwlist, &columns, &opts,
                                     &bounded))
        return -1;
    if (self->w) {
        PyErr_SetString(PyExc_RuntimeError, "Writer already open");
        return -1;
    }
    Py_ssize_t n;
    PyObject *keep = NULL;
    const char **o = str_array(opts, &n, &keep);
    if (o == NULL)
        return -1;
    struct open_call *c = PyMem_Calloc(1, sizeof *c);
    if (c == NULL) {
        PyMem_Free(o);
        Py_DECREF(keep);
        PyErr_NoMemory();
        return -1;
    }
    c->columns = columns;
    c->opts = o;
    c->nopts = (size_t)n;
    c->flags = bounded ? HF_WRITER_BOUNDED : 0;
    int sig = run_blocking(open_fn, c, NULL, NULL);
    PyMem_Free(o);
    Py_DECREF(keep);
    int rc = 0;
    if (sig != 0) {
        hf_writer_abort(c->w);
        rc = -1;
    } else if (c->w == NULL) {
        engine_error(c->rc, c->errstr, -1);
        rc = -1;
    } else {
        self->w = c->w;
    }
    PyMem_Free(c);
    return rc;
}

static void Writer_dealloc(WriterObject *self)
{
    if (self->w) {
        hf_writer_t *w = self->w;
        self->w = NULL;
        Py_BEGIN_ALLOW_THREADS
        hf_writer_abort(w);
        Py_END_ALLOW_THREADS
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int check_open(WriterObject *self)
{
    if (self->w == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the writer is closed");
        return -1;
    }
    return 0;
}

static void stop_fn(void *w)
{
    hf_writer_stop(w);
}

/* --- column vectors from Python objects */

/* What one column owns while a put_columns call runs. */
struct colbuf {
    Py_buffer view;     /* numeric data, or an object array */
    int has_view;
    Py_buffer nulls;
    int has_nulls;
    PyObject *fast;     /* a list/tuple of objects (when not a buffer) */
    PyObject *temps;    /* str() results that the pointers point into */
    const char **ptrs;  /* TEXT/BINARY */
    size_t *lens;
    uint8_t *cnulls;    /* nulls this layer found (None in objects) */
    int64_t *offsets;   /* LIST */
    hf_vec_t child;
    struct colbuf *childbuf;
    void *child_data;   /* LIST child numbers */
};

static void colbuf_release(struct colbuf *b)
{
    if (b->has_view)
        PyBuffer_Release(&b->view);
    if (b->has_nulls)
        PyBuffer_Release(&b->nulls);
    Py_XDECREF(b->fast);
    Py_XDECREF(b->temps);
    PyMem_Free(b->ptrs);
    PyMem_Free(b->lens);
    PyMem_Free(b->cnulls);
    PyMem_Free(b->offsets);
    PyMem_Free(b->child_data);
    if (b->childbuf) {
        colbuf_release(b->childbuf);
        PyMem_Free(b->childbuf);
    }
    memset(b, 0, sizeof *b);
}

/* Item i of an object column: from an 'O' buffer or a fast sequence. */
static PyObject *obj_at(const struct colbuf *b, Py_ssize_t i)
{
    if (b->has_view)
        return ((PyObject **)b->view.buf)[i];
    return PySequence_Fast_GET_ITEM(b->fast, i);
}

static int is_missing(PyObject *o)
{
    if (o == Py_None)
        return 1;
    if (PyFloat_Check(o) && isnan(PyFloat_AS_DOUBLE(o)))
        return 1;
    return 0;
}

/* Open `obj` (an object ndarray or a sequence) as n objects. */
static int open_objects(struct colbuf *b, PyObject *obj, Py_ssize_t *n)
{
    if (PyObject_CheckBuffer(obj) &&
        PyObject_GetBuffer(obj, &b->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) ==
            0) {
        b->has_view = 1;
        if (strcmp(b->view.format, "O") != 0 ||
            b->view.itemsize != (Py_ssize_t)sizeof(PyObject *)) {
            PyErr_SetString(PyExc_TypeError, "expected an object array");
            return -1;
        }
        *n = b->view.len / b->view.itemsize;
        return 0;
    }
    PyErr_Clear();
    b->fast = PySequence_Fast(obj, "expected a sequence of objects");
    if (b->fast == NULL)
        return -1;
    *n = PySequence_Fast_GET_SIZE(b->fast);
    return 0;
}

/* The UTF-8 text or bytes of object o into ptrs[i]/lens[i]: str and bytes
 * as they are, anything else its str() (kept alive in b->temps). */
static int object_bytes(struct colbuf *b, PyObject *o, Py_ssize_t i,
                        int json)
{
    const char *p;
    Py_ssize_t len;
    if (PyUnicode_Check(o)) {
        p = PyUnicode_AsUTF8AndSize(o, &len);
        if (p == NULL)
            return -1;
    } else if (PyBytes_Check(o)) {
        p = PyBytes_AS_STRING(o);
        len = PyBytes_GET_SIZE(o);
    } else if (PyByteArray_Check(o)) {
        p = PyByteArray_AS_STRING(o);
        len = PyByteArray_GET_SIZE(o);
    } else {
        PyObject *s = json && json_dumps &&
                              (PyDict_Check(o) || PyList_Check(o) ||
                               PyTuple_Check(o))
                          ? PyObject_CallOneArg(json_dumps, o)
                          : PyObject_Str(o);
        if (s == NULL)
            return -1;
        if (!PyUnicode_Check(s)) {
            Py_DECREF(s);
            PyErr_SetString(PyExc_TypeError, "json encoder returned no str");
            return -1;
        }
        if (b->temps == NULL && (b->temps = PyList_New(0)) == NULL) {
            Py_DECREF(s);
            return -1;
        }
        int rc = PyList_Append(b->temps, s);
        Py_DECREF(s);
        if (rc != 0)
            return -1;
        p = PyUnicode_AsUTF8AndSize(s, &len);
        if (p == NULL)
            return -1;
    }
    b->ptrs[i] = p;
    b->lens[i] = (size_t)len;
    return 0;
}

/* Fill v (TEXT or BINARY) from n objects of b, honouring nulls. A BINARY
 * vector (a string column) takes dicts and lists as their JSON text. */
static int fill_text(struct colbuf *b, hf_vec_t *v, Py_ssize_t n,
                     const uint8_t *nulls)
{
    b->ptrs = PyMem_Calloc((size_t)(n ? n : 1), sizeof *b->ptrs);
    b->lens = PyMem_Calloc((size_t)(n ? n : 1), sizeof *b->lens);
    if (b->ptrs == NULL || b->lens == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (nulls && nulls[i])
            continue;
        PyObject *o = obj_at(b, i);
        if (is_missing(o))
            continue;
        if (object_bytes(b, o, i, v->type == HF_VEC_BINARY) != 0)
            return -1;
    }
    v->data = b->ptrs;
    v->lens = b->lens;
    v->stride = 0;
    return 0;
}

/* The elements of a LIST column: each value a list/tuple (or anything
 * iterable but str/bytes/dict); the child vector is INT64, FLOAT64, BOOL
 * when every element is such a number, else TEXT. */
static int fill_list(struct colbuf *b, hf_vec_t *v, Py_ssize_t n,
                     const uint8_t *nulls)
{
    b->offsets = PyMem_Calloc((size_t)n + 1, sizeof *b->offsets);
    b->cnulls = PyMem_Calloc((size_t)(n ? n : 1), 1);
    PyObject *items = PyList_New(0);
    if (b->offsets == NULL || b->cnulls == NULL || items == NULL) {
        Py_XDECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    int all_int = 1, all_num = 1, all_bool = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        b->offsets[i] = PyList_GET_SIZE(items);
        PyObject *o = obj_at(b, i);
        if ((nulls && nulls[i]) || is_missing(o)) {
            b->cnulls[i] = 1;
            continue;
        }
        if (PyUnicode_Check(o) || PyBytes_Check(o) || PyDict_Check(o)) {
            Py_DECREF(items);
            PyErr_Format(PyExc_TypeError,
                         "row %zd: an ARRAY column takes lists, not %s", i,
                         Py_TYPE(o)->tp_name);
            return -1;
        }
        PyObject *f = PySequence_Fast(o, "an ARRAY column takes lists");
        if (f == NULL) {
            Py_DECREF(items);
            return -1;
        }
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(f); k++) {
            PyObject *e = PySequence_Fast_GET_ITEM(f, k);
            if (!is_missing(e)) {
                int isb = PyBool_Check(e);
                int isi = PyLong_Check(e) && !isb;
                int isf = PyFloat_Check(e);
                /* numpy scalars: by their number protocol */
                if (!isb && !isi && !isf && PyIndex_Check(e))
                    isi = 1;
                all_bool &= isb;
                all_int &= isi;
                all_num &= isi || isf;
            }
            if (PyList_Append(items, e) != 0) {
                Py_DECREF(f);
                Py_DECREF(items);
                return -1;
            }
        }
        Py_DECREF(f);
    }
    Py_ssize_t ne = PyList_GET_SIZE(items);
    b->offsets[n] = ne;
    b->childbuf = PyMem_Calloc(1, sizeof *b->childbuf);
    if (b->childbuf == NULL) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    struct colbuf *cb = b->childbuf;
    cb->fast = items; /* owns the elements */
    cb->cnulls = PyMem_Calloc((size_t)(ne ? ne : 1), 1);
    if (cb->cnulls == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    hf_vec_t *c = &b->child;
    memset(c, 0, sizeof *c);
    c->nulls = cb->cnulls;
    for (Py_ssize_t k = 0; k < ne; k++)
        cb->cnulls[k] = (uint8_t)is_missing(PyList_GET_ITEM(items, k));
    if (ne > 0 && (all_bool || all_int || all_num)) {
        size_t sz = all_bool ? 1 : 8;
        b->child_data = PyMem_Calloc((size_t)ne, sz);
        if (b->child_data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        c->type = all_bool ? HF_VEC_BOOL : all_int ? HF_VEC_INT64
                                                   : HF_VEC_FLOAT64;
        c->data = b->child_data;
        for (Py_ssize_t k = 0; k < ne; k++) {
            PyObject *e = PyList_GET_ITEM(items, k);
            if (cb->cnulls[k])
                continue;
            if (all_bool) {
                ((uint8_t *)b->child_data)[k] = e == Py_True;
            } else if (all_int) {
                int overflow = 0;
                PyObject *ix = PyNumber_Index(e);
                long long x = ix ? PyLong_AsLongLongAndOverflow(ix, &overflow)
                                 : 0;
                Py_XDECREF(ix);
                if (ix == NULL)
                    return -1;
                if (overflow) {
                    /* beyond int64: every element goes as text */
                    PyMem_Free(b->child_data);
                    b->child_data = NULL;
                    goto as_text;
                }
                ((int64_t *)b->child_data)[k] = x;
            } else {
                double d = PyFloat_AsDouble(e);
                if (d == -1.0 && PyErr_Occurred())
                    return -1;
                ((double *)b->child_data)[k] = d;
            }
        }
    } else {
    as_text:
        c->type = HF_VEC_TEXT;
        if (fill_text(cb, c, ne, cb->cnulls) != 0)
            return -1;
    }
    v->offsets = b->offsets;
    v->child = c;
    v->nulls = b->cnulls;
    return 0;
}

/* One column spec from Python: (vec_type, data, nulls or None, unit_ns,
 * nan_is_null). Numeric types take a buffer; TEXT, BINARY and LIST take
 * objects. `n` is the row count every column must have. */
static int build_column(PyObject *spec, hf_vec_t *v, struct colbuf *b,
                        Py_ssize_t n)
{
    int vt, nan_is_null;
    PyObject *data, *nulls;
    long long unit_ns;
    if (!PyArg_ParseTuple(spec, "iOOLp", &vt, &data, &nulls, &unit_ns,
                          &nan_is_null))
        return -1;
    memset(v, 0, sizeof *v);
    v->type = (hf_vec_type_t)vt;
    v->unit_ns = unit_ns;
    v->nan_is_null = nan_is_null;
    const uint8_t *nullp = NULL;
    if (nulls != Py_None) {
        if (PyObject_GetBuffer(nulls, &b->nulls, PyBUF_C_CONTIGUOUS) != 0)
            return -1;
        b->has_nulls = 1;
        if (b->nulls.len < n) {
            PyErr_SetString(PyExc_ValueError, "null mask too short");
            return -1;
        }
        nullp = b->nulls.buf;
        v->nulls = nullp;
    }
    switch (vt) {
    case HF_VEC_NULL:
        return 0;
    case HF_VEC_TEXT:
    case HF_VEC_BINARY:
    case HF_VEC_LIST: {
        Py_ssize_t m;
        if (open_objects(b, data, &m) != 0)
            return -1;
        if (m < n) {
            PyErr_SetString(PyExc_ValueError, "column shorter than the rows");
            return -1;
        }
        if (vt == HF_VEC_LIST)
            return fill_list(b, v, n, nullp);
        return fill_text(b, v, n, nullp);
    }
    default:
        break;
    }
    if (vt < HF_VEC_BOOL || vt > HF_VEC_TIMEDELTA64) {
        PyErr_Format(PyExc_ValueError, "bad vector type %d", vt);
        return -1;
    }
    if (PyObject_GetBuffer(data, &b->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) !=
        0)
        return -1;
    b->has_view = 1;
    static const Py_ssize_t sizes[] = {0, 1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 8, 8};
    if (b->view.itemsize != sizes[vt]) {
        PyErr_Format(PyExc_ValueError,
                     "vector type %d needs items of %zd bytes, not %zd", vt,
                     sizes[vt], b->view.itemsize);
        return -1;
    }
    if (b->view.len / b->view.itemsize < n) {
        PyErr_SetString(PyExc_ValueError, "column shorter than the rows");
        return -1;
    }
    v->data = b->view.buf;
    return 0;
}

struct put_call {
    hf_writer_t *w;
    size_t nrows;
    const hf_vec_t *cols;
    const uint8_t *kinds;
    int64_t first_row;
    size_t bad_row;
    hf_err_t rc;
    char errstr[ERRSTR_MAX];
};

static void put_fn(void *p)
{
    struct put_call *c = p;
    c->rc = hf_writer_put_columns(c->w, c->nrows, c->cols, c->kinds,
                                  c->first_row, &c->bad_row, c->errstr,
                                  sizeof c->errstr);
}

/* put_columns(columns, nrows, kinds or None, first_row) */
static PyObject *Writer_put_columns(WriterObject *self, PyObject *args)
{
    PyObject *specs, *kinds;
    Py_ssize_t nrows;
    long long first_row;
    if (!PyArg_ParseTuple(args, "OnOL", &specs, &nrows, &kinds, &first_row))
        return NULL;
    if (check_open(self) != 0)
        return NULL;
    PyObject *fast = PySequence_Fast(specs, "columns must be a sequence");
    if (fast == NULL)
        return NULL;
    Py_ssize_t nc = PySequence_Fast_GET_SIZE(fast);
    hf_vec_t *vecs = PyMem_Calloc((size_t)(nc ? nc : 1), sizeof *vecs);
    struct colbuf *bufs = PyMem_Calloc((size_t)(nc ? nc : 1), sizeof *bufs);
    Py_buffer kview;
    int has_kinds = 0;
    PyObject *res = NULL;
    if (vecs == NULL || bufs == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t c = 0; c < nc; c++)
        if (build_column(PySequence_Fast_GET_ITEM(fast, c), &vecs[c], &bufs[c],
                         nrows) != 0)
            goto out;
    if (kinds != Py_None) {
        if (PyObject_GetBuffer(kinds, &kview, PyBUF_C_CONTIGUOUS) != 0)
            goto out;
        has_kinds = 1;
        if (kview.len < nrows) {
            PyErr_SetString(PyExc_ValueError, "row kinds shorter than the rows");
            goto out;
        }
    }
    struct put_call call = {.w = self->w,
                            .nrows = (size_t)nrows,
                            .cols = vecs,
                            .kinds = has_kinds ? kview.buf : NULL,
                            .first_row = first_row};
    int sig = run_blocking(put_fn, &call, stop_fn, self->w);
    if (sig != 0)
        goto out;
    if (call.rc != HF_OK) {
        engine_error(call.rc, call.errstr,
                     call.rc == HF_ERR_DATA ? (long long)call.bad_row : -1);
        goto out;
    }
    res = Py_None;
    Py_INCREF(res);
out:
    if (has_kinds)
        PyBuffer_Release(&kview);
    for (Py_ssize_t c = 0; bufs && c < nc; c++)
        colbuf_release(&bufs[c]);
    PyMem_Free(bufs);
    PyMem_Free(vecs);
    Py_DECREF(fast);
    return res;
}

struct flush_call {
    hf_writer_t *w;
    int close;
    hf_err_t rc;
    char errstr[ERRSTR_MAX];
};

static void flush_fn(void *p)
{
    struct flush_call *c = p;
    if (c->close)
        c->rc = hf_writer_close(c->w, c->errstr, sizeof c->errstr);
    else
        c->rc = hf_writer_flush(c->w, c->errstr, sizeof c->errstr);
}

static PyObject *flush_or_close(WriterObject *self, int close)
{
    if (check_open(self) != 0)
        return NULL;
    struct flush_call *c = PyMem_Calloc(1, sizeof *c);
    if (c == NULL)
        return PyErr_NoMemory();
    c->w = self->w;
    c->close = close;
    if (close)
        self->w = NULL; /* hf_writer_close frees it whatever happens */
    int sig = run_blocking(flush_fn, c, stop_fn, c->w);
    PyObject *res = NULL;
    if (sig == 0) {
        if (c->rc != HF_OK)
            engine_error(c->rc, c->errstr, -1);
        else
            res = Py_NewRef(Py_None);
    }
    PyMem_Free(c);
    return res;
}

static PyObject *Writer_flush(WriterObject *self, PyObject *noargs)
{
    (void)noargs;
    return flush_or_close(self, 0);
}

static PyObject *Writer_close(WriterObject *self, PyObject *noargs)
{
    (void)noargs;
    return flush_or_close(self, 1);
}

static void abort_fn(void *w)
{
    hf_writer_abort(w);
}

static PyObject *Writer_abort(WriterObject *self, PyObject *noargs)
{
    (void)noargs;
    if (self->w) {
        hf_writer_t *w = self->w;
        self->w = NULL;
        hf_writer_stop(w);
        if (run_blocking(abort_fn, w, NULL, NULL) != 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *Writer_stop(WriterObject *self, PyObject *noargs)
{
    (void)noargs;
    if (self->w)
        hf_writer_stop(self->w);
    Py_RETURN_NONE;
}

static PyObject *Writer_counters(WriterObject *self, PyObject *noargs)
{
    (void)noargs;
    if (check_open(self) != 0)
        return NULL;
    uint64_t written = 0, dirty = 0;
    hf_writer_counters(self->w, &written, &dirty);
    return Py_BuildValue("(KK)", (unsigned long long)written,
                         (unsigned long long)dirty);
}

static PyMethodDef Writer_methods[] = {
    {"put_columns", (PyCFunction)Writer_put_columns, METH_VARARGS,
     "put_columns(columns, nrows, kinds, first_row): add rows given column "
     "by column; each column is (vec_type, data, nulls, unit_ns, "
     "nan_is_null)."},
    {"flush", (PyCFunction)Writer_flush, METH_NOARGS,
     "Write everything added so far and wait until it is durable."},
    {"close", (PyCFunction)Writer_close, METH_NOARGS,
     "Flush, disconnect and free the writer."},
    {"abort", (PyCFunction)Writer_abort, METH_NOARGS,
     "Stop and free the writer without writing what is buffered; a bulk "
     "load rolls back."},
    {"stop", (PyCFunction)Writer_stop, METH_NOARGS,
     "Ask the writer to stop (safe from any thread)."},
    {"counters", (PyCFunction)Writer_counters, METH_NOARGS,
     "(rows written, dirty rows) so far."},
    {NULL, NULL, 0, NULL}};

static PyTypeObject WriterType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "holoflow._native.Writer",
    .tp_basicsize = sizeof(WriterObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Writer(columns, options, bounded=True): an hf_writer_t.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Writer_init,
    .tp_dealloc = (destructor)Writer_dealloc,
    .tp_methods = Writer_methods,
};

/* ------------------------------------------------------------ reader */

/* read(options, columns, types, where): the whole table through hf_reader_*,
 * as ((names, types, vecs, units), data); `columns` is None or a list of
 * names, `types` None or a list as long of Flink types or None each. data[i] is (values, nulls) of two
 * bytearrays for a numeric, boolean or datetime column (hf_reader_get_column
 * of every batch appended: numpy.frombuffer takes them without a copy),
 * else a list with one object per row: str (strings, DECIMAL, JSON), bytes
 * (BYTES), or the JSON text of a nested value (ARRAY, ROW, MAP, MULTISET),
 * None for NULL. Each batch is read on a helper thread with the GIL
 * released (Ctrl-C calls hf_reader_stop); the batch is converted with it
 * held. */

struct read_open_call {
    const char *const *opts;
    size_t nopts;
    const char *const *cols;
    const char *const *types;
    size_t ncols;
    const char *where;
    hf_reader_t *r;
    hf_err_t rc;
    char errstr[ERRSTR_MAX];
};

static void read_open_fn(void *p)
{
    struct read_open_call *c = p;
    c->r = hf_reader_open(c->opts, c->nopts, c->cols, c->types, c->ncols,
                          c->where,
                          &c->rc, c->errstr, sizeof c->errstr);
}

struct read_next_call {
    hf_reader_t *r;
    size_t nrows;
    hf_err_t rc;
    char errstr[ERRSTR_MAX];
};

static void read_next_fn(void *p)
{
    struct read_next_call *c = p;
    c->rc = hf_reader_next(c->r, &c->nrows, c->errstr, sizeof c->errstr);
}

static void read_stop_fn(void *r)
{
    hf_reader_stop(r);
}

static void read_close_fn(void *r)
{
    hf_reader_close(r);
}

static size_t vec_size(hf_vec_type_t t)
{
    switch (t) {
    case HF_VEC_BOOL:
    case HF_VEC_INT8: return 1;
    case HF_VEC_INT16: return 2;
    case HF_VEC_INT32:
    case HF_VEC_FLOAT32: return 4;
    case HF_VEC_INT64:
    case HF_VEC_FLOAT64:
    case HF_VEC_DATETIME64:
    case HF_VEC_TIMEDELTA64: return 8;
    default: return 0;
    }
}

static int is_nested(const char *type)
{
    return strncmp(type, "ARRAY", 5) == 0 || strncmp(type, "ROW", 3) == 0 ||
           strncmp(type, "MAP", 3) == 0 || strncmp(type, "MULTISET", 8) == 0;
}

/* Append the current batch's column c to data (a tuple of bytearrays or a
 * list). 0 or -1 (Python error set). */
static int read_column(hf_reader_t *r, size_t c, size_t nrows,
                       PyObject *data)
{
    hf_vec_type_t vt = hf_reader_col_vec(r, c, NULL);
    size_t sz = vec_size(vt);
    if (sz) {
        PyObject *vals = PyTuple_GET_ITEM(data, 0);
        PyObject *nulls = PyTuple_GET_ITEM(data, 1);
        Py_ssize_t have = PyByteArray_GET_SIZE(nulls);
        if (PyByteArray_Resize(vals, (have + (Py_ssize_t)nrows) *
                                         (Py_ssize_t)sz) != 0 ||
            PyByteArray_Resize(nulls, have + (Py_ssize_t)nrows) != 0)
            return -1;
        hf_reader_get_column(r, c,
                             PyByteArray_AS_STRING(vals) + have * (Py_ssize_t)sz,
                             (uint8_t *)PyByteArray_AS_STRING(nulls) + have);
        return 0;
    }
    int nested = is_nested(hf_reader_col_type(r, c));
    for (size_t i = 0; i < nrows; i++) {
        size_t len = 0;
        const char *s = nested ? hf_reader_get_json(r, i, c, &len)
                               : hf_reader_get_text(r, i, c, &len);
        PyObject *o;
        if (s == NULL) {
            if (!hf_reader_is_null(r, i, c)) {
                PyErr_NoMemory();
                return -1;
            }
            o = Py_NewRef(Py_None);
        } else if (vt == HF_VEC_BINARY) {
            o = PyBytes_FromStringAndSize(s, (Py_ssize_t)len);
        } else {
            o = PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "surrogateescape");
        }
        if (o == NULL)
            return -1;
        int rc = PyList_Append(data, o);
        Py_DECREF(o);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static PyObject *reader_meta(hf_reader_t *r, PyObject **datas)
{
    size_t n = hf_reader_ncols(r);
    PyObject *names = PyList_New((Py_ssize_t)n);
    PyObject *types = PyList_New((Py_ssize_t)n);
    PyObject *vecs = PyList_New((Py_ssize_t)n);
    PyObject *units = PyList_New((Py_ssize_t)n);
    PyObject *data = PyList_New((Py_ssize_t)n);
    if (!names || !types || !vecs || !units || !data)
        goto fail;
    for (size_t c = 0; c < n; c++) {
        int64_t unit = 0;
        hf_vec_type_t vt = hf_reader_col_vec(r, c, &unit);
        PyObject *d = vec_size(vt)
                          ? Py_BuildValue("(NN)", PyByteArray_FromStringAndSize("", 0),
                                          PyByteArray_FromStringAndSize("", 0))
                          : PyList_New(0);
        PyObject *nm = PyUnicode_FromString(hf_reader_col_name(r, c));
        PyObject *ty = PyUnicode_FromString(hf_reader_col_type(r, c));
        PyObject *vv = PyLong_FromLong((long)vt);
        PyObject *uu = PyLong_FromLongLong((long long)unit);
        if (!d || !nm || !ty || !vv || !uu) {
            Py_XDECREF(d);
            Py_XDECREF(nm);
            Py_XDECREF(ty);
            Py_XDECREF(vv);
            Py_XDECREF(uu);
            goto fail;
        }
        PyList_SET_ITEM(names, (Py_ssize_t)c, nm);
        PyList_SET_ITEM(types, (Py_ssize_t)c, ty);
        PyList_SET_ITEM(vecs, (Py_ssize_t)c, vv);
        PyList_SET_ITEM(units, (Py_ssize_t)c, uu);
        PyList_SET_ITEM(data, (Py_ssize_t)c, d);
    }
    *datas = data;
    return Py_BuildValue("(NNNN)", names, types, vecs, units);
fail:
    Py_XDECREF(names);
    Py_XDECREF(types);
    Py_XDECREF(vecs);
    Py_XDECREF(units);
    Py_XDECREF(data);
    return NULL;
}

static PyObject *py_read(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *opts, *cols, *tys, *result = NULL, *meta = NULL, *datas = NULL;
    PyObject *keep_t = NULL;
    const char **t = NULL;
    const char *where = NULL;
    if (!PyArg_ParseTuple(args, "OOOz", &opts, &cols, &tys, &where))
        return NULL;
    Py_ssize_t no = 0, nc = 0;
    PyObject *keep_o = NULL, *keep_c = NULL;
    const char **o = str_array(opts, &no, &keep_o);
    if (o == NULL)
        return NULL;
    const char **c = NULL;
    if (cols != Py_None && (c = str_array(cols, &nc, &keep_c)) == NULL) {
        PyMem_Free(o);
        Py_DECREF(keep_o);
        return NULL;
    }
    struct read_open_call *oc = PyMem_Calloc(1, sizeof *oc);
    struct read_next_call *nx = PyMem_Calloc(1, sizeof *nx);
    if (oc == NULL || nx == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    if (tys != Py_None) {
        keep_t = PySequence_Fast(tys, "types must be a sequence");
        if (keep_t == NULL)
            goto out;
        if (PySequence_Fast_GET_SIZE(keep_t) != nc) {
            PyErr_SetString(PyExc_ValueError,
                            "types must be as long as columns");
            goto out;
        }
        t = PyMem_Calloc((size_t)(nc ? nc : 1), sizeof *t);
        if (t == NULL) {
            PyErr_NoMemory();
            goto out;
        }
        for (Py_ssize_t i = 0; i < nc; i++) {
            PyObject *it = PySequence_Fast_GET_ITEM(keep_t, i);
            if (it != Py_None && (t[i] = PyUnicode_AsUTF8(it)) == NULL)
                goto out;
        }
    }
    oc->types = t;
    oc->opts = o;
    oc->nopts = (size_t)no;
    oc->cols = c;
    oc->ncols = (size_t)nc;
    oc->where = where;
    if (run_blocking(read_open_fn, oc, NULL, NULL) != 0) {
        hf_reader_close(oc->r);
        oc->r = NULL;
        goto out;
    }
    if (oc->r == NULL) {
        engine_error(oc->rc, oc->errstr, -1);
        goto out;
    }
    hf_reader_t *r = oc->r;
    meta = reader_meta(r, &datas);
    if (meta == NULL)
        goto close;
    nx->r = r;
    for (;;) {
        if (run_blocking(read_next_fn, nx, read_stop_fn, r) != 0)
            goto close;
        if (nx->rc != HF_OK) {
            engine_error(nx->rc, nx->errstr, -1);
            goto close;
        }
        if (nx->nrows == 0)
            break;
        for (size_t k = 0; k < hf_reader_ncols(r); k++)
            if (read_column(r, k, nx->nrows,
                            PyList_GET_ITEM(datas, (Py_ssize_t)k)) != 0)
                goto close;
    }
    result = Py_BuildValue("(OO)", meta, datas);
close:
    run_blocking(read_close_fn, r, NULL, NULL);
out:
    Py_XDECREF(meta);
    Py_XDECREF(datas);
    PyMem_Free(oc);
    PyMem_Free(nx);
    PyMem_Free(o);
    PyMem_Free(c);
    PyMem_Free(t);
    Py_XDECREF(keep_o);
    Py_XDECREF(keep_c);
    Py_XDECREF(keep_t);
    return result;
}

/* ------------------------------------------------------------ module */

static PyMethodDef module_methods[] = {
    {"read", py_read, METH_VARARGS,
     "read(options, columns, types, where): ((names, types, vecs, units), "
     "data) "
     "of the whole table through hf_reader_*."},
    {"describe_target", py_describe_target, METH_VARARGS,
     "describe_target(columns, options): the target table's columns."},
    {"option_canonical", py_option_canonical, METH_VARARGS,
     "option_canonical(connector, key): the option's canonical key or None."},
    {"drain_logs", py_drain_logs, METH_NOARGS,
     "drain_logs(): ([(level, message)], dropped) logged since the last "
     "call."},
    {"set_json_dumps", py_set_json_dumps, METH_O,
     "set_json_dumps(fn): the encoder of dicts and lists in string "
     "columns."},
    {"set_log_level", py_set_log_level, METH_VARARGS,
     "set_log_level(level): 0 error .. 3 debug."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, .m_name = "holoflow._native",
    .m_doc = "The C core of the holoflow package (see holoflow/__init__.py).",
    .m_size = -1, .m_methods = module_methods};

PyMODINIT_FUNC PyInit__native(void)
{
    if (PyType_Ready(&WriterType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&native_module);
    if (m == NULL)
        return NULL;
    EngineError = PyErr_NewException("holoflow._native.EngineError", NULL,
                                     NULL);
    if (EngineError == NULL || PyModule_AddObjectRef(m, "EngineError",
                                                     EngineError) < 0 ||
        PyModule_AddObjectRef(m, "Writer", (PyObject *)&WriterType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    static const struct {
        const char *name;
        int value;
    } consts[] = {
        {"VEC_NULL", HF_VEC_NULL},
        {"VEC_BOOL", HF_VEC_BOOL},
        {"VEC_INT8", HF_VEC_INT8},
        {"VEC_INT16", HF_VEC_INT16},
        {"VEC_INT32", HF_VEC_INT32},
        {"VEC_INT64", HF_VEC_INT64},
        {"VEC_UINT8", HF_VEC_UINT8},
        {"VEC_UINT16", HF_VEC_UINT16},
        {"VEC_UINT32", HF_VEC_UINT32},
        {"VEC_UINT64", HF_VEC_UINT64},
        {"VEC_FLOAT32", HF_VEC_FLOAT32},
        {"VEC_FLOAT64", HF_VEC_FLOAT64},
        {"VEC_DATETIME64", HF_VEC_DATETIME64},
        {"VEC_TIMEDELTA64", HF_VEC_TIMEDELTA64},
        {"VEC_TEXT", HF_VEC_TEXT},
        {"VEC_BINARY", HF_VEC_BINARY},
        {"VEC_LIST", HF_VEC_LIST},
        {"ERR_FAIL", HF_ERR_FAIL},
        {"ERR_USAGE", HF_ERR_USAGE},
        {"ERR_SQL", HF_ERR_SQL},
        {"ERR_OPTION", HF_ERR_OPTION},
        {"ERR_TYPE", HF_ERR_TYPE},
        {"ERR_IO", HF_ERR_IO},
        {"ERR_DATA", HF_ERR_DATA},
        {"ERR_CONNECT", HF_ERR_CONNECT},
        {"ERR_SERVER", HF_ERR_SERVER},
        {"ERR_NOMEM", HF_ERR_NOMEM},
        {"ERR_UNSUPPORTED", HF_ERR_UNSUPPORTED},
        {"ERR_INTERRUPTED", HF_ERR_INTERRUPTED},
        {"ERR_STATE", HF_ERR_STATE},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (PyModule_AddIntConstant(m, consts[i].name, consts[i].value) < 0) {
            Py_DECREF(m);
            return NULL;
        }
    if (PyModule_AddStringConstant(m, "version", hf_version()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    hf_log_set_callback(log_cb, NULL);
    return m;
}
