# cython: language_level=3, boundscheck=False, wraparound=False
"""The subset of py-lmdb's API the storage engine uses, over the system liblmdb, holding the GIL.

py-lmdb gives up the GIL around every put, delete and cursor step; a writer thread then waits for a
busy event loop to hand it back (up to `sys.getswitchinterval()`, 5 ms) dozens of times per batch.
Those calls take microseconds, so this binding keeps the GIL for them and releases it only where
LMDB does I/O or may block: opening the environment and committing a write transaction (the fsync).
Same names, arguments and semantics as py-lmdb (its twin, `lmdb_py`), so the engine runs on either;
the files are ordinary LMDB files either library reads. Two LMDB libraries must never have one
environment open in the same process at once (their locks do not know each other): the facade
`kubepy._fast.lmdb` picks one per process.

Beyond py-lmdb's rules, one more: a write transaction must be committed or aborted by the thread
that began it (LMDB's own rule, which py-lmdb also relies on).
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyObject_GetBuffer, PyBuffer_Release
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.tuple cimport PyTuple_CheckExact, PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.errno cimport EACCES, EAGAIN, EINVAL, ENOMEM, ENOSPC
from libc.stdint cimport uint64_t
from libc.stdlib cimport free, malloc

import os

cimport cython


cdef extern from "Python.h":
    int PyBUF_READ


cdef extern from "lmdb.h" nogil:
    ctypedef struct MDB_env:
        pass
    ctypedef struct MDB_txn:
        pass
    ctypedef struct MDB_cursor:
        pass
    ctypedef unsigned int MDB_dbi
    ctypedef struct MDB_val:
        size_t mv_size
        void *mv_data
    ctypedef struct MDB_stat:
        unsigned int ms_psize
        unsigned int ms_depth
        size_t ms_branch_pages
        size_t ms_leaf_pages
        size_t ms_overflow_pages
        size_t ms_entries
    ctypedef struct MDB_envinfo:
        void *me_mapaddr
        size_t me_mapsize
        size_t me_last_pgno
        size_t me_last_txnid
        unsigned int me_maxreaders
        unsigned int me_numreaders
    ctypedef enum MDB_cursor_op:
        MDB_FIRST
        MDB_GET_CURRENT
        MDB_LAST
        MDB_NEXT
        MDB_PREV
        MDB_SET_KEY
        MDB_SET_RANGE

    int MDB_SUCCESS, MDB_KEYEXIST, MDB_NOTFOUND, MDB_PAGE_NOTFOUND, MDB_CORRUPTED, MDB_PANIC
    int MDB_VERSION_MISMATCH, MDB_INVALID, MDB_MAP_FULL, MDB_DBS_FULL, MDB_READERS_FULL
    int MDB_TLS_FULL, MDB_TXN_FULL, MDB_CURSOR_FULL, MDB_PAGE_FULL, MDB_MAP_RESIZED
    int MDB_INCOMPATIBLE, MDB_BAD_RSLOT, MDB_BAD_TXN, MDB_BAD_VALSIZE, MDB_BAD_DBI
    unsigned int MDB_NOSUBDIR, MDB_NOSYNC, MDB_RDONLY, MDB_NOMETASYNC, MDB_WRITEMAP
    unsigned int MDB_MAPASYNC, MDB_NOTLS, MDB_NOLOCK, MDB_NORDAHEAD, MDB_NOMEMINIT
    unsigned int MDB_CREATE, MDB_NOOVERWRITE, MDB_NODUPDATA, MDB_APPEND

    char *mdb_strerror(int err)
    void mdb_version(int *major, int *minor, int *patch)
    int mdb_env_create(MDB_env **env)
    int mdb_env_open(MDB_env *env, const char *path, unsigned int flags, unsigned int mode)
    void mdb_env_close(MDB_env *env)
    int mdb_env_set_mapsize(MDB_env *env, size_t size)
    int mdb_env_set_maxreaders(MDB_env *env, unsigned int readers)
    int mdb_env_set_maxdbs(MDB_env *env, MDB_dbi dbs)
    int mdb_env_stat(MDB_env *env, MDB_stat *stat)
    int mdb_env_info(MDB_env *env, MDB_envinfo *stat)
    int mdb_env_get_maxkeysize(MDB_env *env)
    int mdb_env_sync(MDB_env *env, int force)
    int mdb_reader_check(MDB_env *env, int *dead)
    int mdb_txn_begin(MDB_env *env, MDB_txn *parent, unsigned int flags, MDB_txn **txn)
    int mdb_txn_commit(MDB_txn *txn)
    void mdb_txn_abort(MDB_txn *txn)
    void mdb_txn_reset(MDB_txn *txn)
    int mdb_txn_renew(MDB_txn *txn)
    int mdb_dbi_open(MDB_txn *txn, const char *name, unsigned int flags, MDB_dbi *dbi)
    int mdb_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
    int mdb_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data, unsigned int flags)
    int mdb_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
    int mdb_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cursor)
    void mdb_cursor_close(MDB_cursor *cursor)
    int mdb_cursor_get(MDB_cursor *cursor, MDB_val *key, MDB_val *data, MDB_cursor_op op)
    int mdb_cursor_put(MDB_cursor *cursor, MDB_val *key, MDB_val *data, unsigned int flags)
    int mdb_cursor_del(MDB_cursor *cursor, unsigned int flags)


# ---- errors: the same class names as py-lmdb, chosen by the same codes -----------------------

class Error(Exception):
    """Any LMDB failure."""


_ERRORS = {}
for _code, _name in (
    (MDB_KEYEXIST, "KeyExistsError"),
    (MDB_NOTFOUND, "NotFoundError"),
    (MDB_PAGE_NOTFOUND, "PageNotFoundError"),
    (MDB_CORRUPTED, "CorruptedError"),
    (MDB_PANIC, "PanicError"),
    (MDB_VERSION_MISMATCH, "VersionMismatchError"),
    (MDB_INVALID, "InvalidError"),
    (MDB_MAP_FULL, "MapFullError"),
    (MDB_DBS_FULL, "DbsFullError"),
    (MDB_READERS_FULL, "ReadersFullError"),
    (MDB_TLS_FULL, "TlsFullError"),
    (MDB_TXN_FULL, "TxnFullError"),
    (MDB_CURSOR_FULL, "CursorFullError"),
    (MDB_PAGE_FULL, "PageFullError"),
    (MDB_MAP_RESIZED, "MapResizedError"),
    (MDB_INCOMPATIBLE, "IncompatibleError"),
    (MDB_BAD_RSLOT, "BadRslotError"),
    (MDB_BAD_DBI, "BadDbiError"),
    (MDB_BAD_TXN, "BadTxnError"),
    (MDB_BAD_VALSIZE, "BadValsizeError"),
    (EACCES, "ReadonlyError"),
    (EINVAL, "InvalidParameterError"),
    (EAGAIN, "LockError"),
    (ENOMEM, "MemoryError"),
    (ENOSPC, "DiskError"),
):
    _ERRORS[_code] = type(_name, (Error,), {"__module__": __name__})
    globals()[_name] = _ERRORS[_code]


cdef int _fail(str what, int rc) except -1:
    raise _ERRORS.get(rc, Error)(f"{what}: {mdb_strerror(rc).decode('utf-8', 'replace')}")


cdef inline int _check(str what, int rc) except -1:
    if rc:
        _fail(what, rc)
    return 0


def version():
    """The liblmdb version linked in, as (major, minor, patch)."""
    cdef int major, minor, patch
    mdb_version(&major, &minor, &patch)
    return major, minor, patch


# ---- values in and out --------------------------------------------------------------------

cdef class _In:
    """A key or value passed in: bytes are read in place, anything else through its buffer."""
    cdef Py_buffer view
    cdef bint held

    cdef int take(self, object obj, MDB_val *val) except -1:
        if PyBytes_CheckExact(obj):
            val.mv_data = PyBytes_AS_STRING(obj)
            val.mv_size = PyBytes_GET_SIZE(obj)
            return 0
        if self.held:
            PyBuffer_Release(&self.view)
            self.held = False
        PyObject_GetBuffer(obj, &self.view, PyBUF_SIMPLE)
        self.held = True
        val.mv_data = self.view.buf
        val.mv_size = self.view.len
        return 0

    cdef void release(self):
        if self.held:
            PyBuffer_Release(&self.view)
            self.held = False

    def __dealloc__(self):
        self.release()


cdef inline object _out(MDB_val *val, bint buffers):
    if buffers:
        return PyMemoryView_FromMemory(<char *>val.mv_data, val.mv_size, PyBUF_READ)
    return PyBytes_FromStringAndSize(<char *>val.mv_data, val.mv_size)


# ---- environment --------------------------------------------------------------------------

cdef class _Database:
    """A named database's handle (py-lmdb's `_Database`)."""
    cdef readonly Environment env
    cdef MDB_dbi dbi


cdef class Environment:
    cdef MDB_env *env
    cdef MDB_txn *spare  # a reset read transaction, renewed by the next begin()
    cdef readonly bint readonly
    cdef _Database main_db

    def __cinit__(self):
        self.env = NULL
        self.spare = NULL

    def __init__(
        self,
        path,
        *,
        map_size=10485760,
        subdir=True,
        readonly=False,
        metasync=True,
        sync=True,
        map_async=False,
        mode=0o755,
        create=True,
        readahead=True,
        writemap=False,
        meminit=True,
        max_readers=126,
        max_dbs=0,
        lock=True,
    ):
        cdef unsigned int flags = MDB_NOTLS  # readers are not tied to threads (py-lmdb does this too)
        cdef unsigned int cmode = (<unsigned int>mode) & ~0o111
        cdef bytes fspath = os.fsencode(path)
        cdef const char *cpath = fspath
        cdef int rc
        cdef MDB_txn *t = NULL
        _check("mdb_env_create", mdb_env_create(&self.env))
        _check("mdb_env_set_mapsize", mdb_env_set_mapsize(self.env, map_size))
        _check("mdb_env_set_maxreaders", mdb_env_set_maxreaders(self.env, max_readers))
        _check("mdb_env_set_maxdbs", mdb_env_set_maxdbs(self.env, max_dbs))
        if create and subdir and not readonly:
            os.makedirs(fspath, mode, exist_ok=True)
        if not subdir:
            flags |= MDB_NOSUBDIR
        if readonly:
            flags |= MDB_RDONLY
        if not metasync:
            flags |= MDB_NOMETASYNC
        if not sync:
            flags |= MDB_NOSYNC
        if map_async:
            flags |= MDB_MAPASYNC
        if not readahead:
            flags |= MDB_NORDAHEAD
        if writemap:
            flags |= MDB_WRITEMAP
        if not meminit:
            flags |= MDB_NOMEMINIT
        if not lock:
            flags |= MDB_NOLOCK
        self.readonly = readonly
        with nogil:
            rc = mdb_env_open(self.env, cpath, flags, cmode)
        if rc:
            mdb_env_close(self.env)
            self.env = NULL
            _fail(fspath.decode("utf-8", "replace"), rc)
        self.main_db = _Database.__new__(_Database)
        self.main_db.env = self
        _check("mdb_txn_begin", mdb_txn_begin(self.env, NULL, MDB_RDONLY, &t))
        rc = mdb_dbi_open(t, NULL, 0, &self.main_db.dbi)
        mdb_txn_abort(t)
        _check("mdb_dbi_open", rc)

    cdef int _valid(self) except -1:
        if self.env == NULL:
            raise Error("Attempt to operate on closed/deleted/dropped object.")
        return 0

    def close(self):
        """Close the environment (idempotent); every transaction must have ended."""
        if self.env == NULL:
            return
        if self.spare != NULL:
            mdb_txn_abort(self.spare)
            self.spare = NULL
        with nogil:
            mdb_env_close(self.env)
        self.env = NULL

    def __dealloc__(self):
        if self.env != NULL:
            if self.spare != NULL:
                mdb_txn_abort(self.spare)
            mdb_env_close(self.env)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def begin(self, db=None, parent=None, write=False, buffers=False):
        if parent is not None:
            raise NotImplementedError("nested transactions are not supported by this binding")
        self._valid()
        cdef Transaction txn = Transaction.__new__(Transaction)
        cdef MDB_txn *t = NULL
        if write:
            if self.readonly:
                _fail("Cannot start write transaction with read-only environment.", EACCES)
            # the GIL is kept: in a kubepy process only the writer thread writes (one store per
            # directory, kubepy.lock), so there is nobody to wait for
            _check("mdb_txn_begin", mdb_txn_begin(self.env, NULL, 0, &t))
        elif self.spare != NULL:
            t, self.spare = self.spare, NULL
            rc = mdb_txn_renew(t)
            if rc:
                mdb_txn_abort(t)
                _fail("mdb_txn_renew", rc)
        else:
            _check("mdb_txn_begin", mdb_txn_begin(self.env, NULL, MDB_RDONLY, &t))
        txn.env = self
        txn.txn = t
        txn.write = write
        txn.buffers = buffers
        txn.db = self.main_db if db is None else db
        return txn

    def open_db(self, key=None, txn=None, reverse_key=False, dupsort=False, create=True,
                integerkey=False, integerdup=False, dupfixed=False):
        if reverse_key or dupsort or integerkey or integerdup or dupfixed:
            raise NotImplementedError("only plain databases are supported by this binding")
        self._valid()
        if txn is None:
            with self.begin(write=True) as own:
                return self.open_db(key, txn=own, create=create)
        cdef Transaction t = txn
        t._valid()
        cdef unsigned int flags = MDB_CREATE if create and t.write else 0
        cdef bytes name = None if key is None else bytes(key)
        cdef _Database db = _Database.__new__(_Database)
        _check("mdb_dbi_open", mdb_dbi_open(t.txn, NULL if name is None else <const char *>name, flags, &db.dbi))
        db.env = self
        return db

    def reader_check(self):
        cdef int dead = 0
        self._valid()
        _check("mdb_reader_check", mdb_reader_check(self.env, &dead))
        return dead

    def stat(self):
        cdef MDB_stat st
        self._valid()
        _check("mdb_env_stat", mdb_env_stat(self.env, &st))
        return {
            "psize": st.ms_psize,
            "depth": st.ms_depth,
            "branch_pages": st.ms_branch_pages,
            "leaf_pages": st.ms_leaf_pages,
            "overflow_pages": st.ms_overflow_pages,
            "entries": st.ms_entries,
        }

    def info(self):
        cdef MDB_envinfo info
        self._valid()
        _check("mdb_env_info", mdb_env_info(self.env, &info))
        return {
            "map_addr": <uint64_t>info.me_mapaddr,
            "map_size": info.me_mapsize,
            "last_pgno": info.me_last_pgno,
            "last_txnid": info.me_last_txnid,
            "max_readers": info.me_maxreaders,
            "num_readers": info.me_numreaders,
        }

    def max_key_size(self):
        self._valid()
        return mdb_env_get_maxkeysize(self.env)

    def sync(self, force=False):
        cdef int rc
        cdef int f = 1 if force else 0
        self._valid()
        with nogil:
            rc = mdb_env_sync(self.env, f)
        _check("mdb_env_sync", rc)


def open(path, **kwargs):
    """Open (creating by default) the environment in `path` (py-lmdb's `lmdb.open`)."""
    return Environment(path, **kwargs)


cdef inline void _free5(void *a, void *b, void *c, void *d, void *e) noexcept:
    free(a)
    free(b)
    free(c)
    free(d)
    free(e)


def write_many(Transaction txn, list items, bint commit=False):
    """Apply `items`, each (db, key, value, append) - a put (MDB_APPEND when `append`), or with
    value None a delete of a key that may be absent - in order, then commit if asked, all without
    the GIL. Not in py-lmdb: the B-tree work and the copying of values into pages take as long as
    the Python that prepared them, and a writer thread holding the GIL for it stops the event loop
    meanwhile; one release per batch costs one hand-off. Keys and values must be bytes. On a
    failure nothing after it is written and the transaction is left for the caller to abort (a
    failed commit leaves none to abort)."""
    cdef Py_ssize_t n = len(items), i, failed = -1
    cdef MDB_val *keys = NULL
    cdef MDB_val *vals = NULL
    cdef MDB_dbi *dbis = NULL
    cdef unsigned int *flags = NULL
    cdef char *deletes = NULL
    cdef MDB_txn *t
    cdef int rc = 0
    txn._valid()
    if not txn.write:
        raise _ERRORS[EACCES]("write_many() needs a write transaction")
    t = txn.txn
    if n:
        keys = <MDB_val *>malloc(n * sizeof(MDB_val))
        vals = <MDB_val *>malloc(n * sizeof(MDB_val))
        dbis = <MDB_dbi *>malloc(n * sizeof(MDB_dbi))
        flags = <unsigned int *>malloc(n * sizeof(unsigned int))
        deletes = <char *>malloc(n)
        if keys == NULL or vals == NULL or dbis == NULL or flags == NULL or deletes == NULL:
            _free5(keys, vals, dbis, flags, deletes)
            raise MemoryError()
    try:
        for i in range(n):
            item = items[i]
            if not (PyTuple_CheckExact(item) and PyTuple_GET_SIZE(item) == 4):
                raise TypeError("write_many() elements must be (db, key, value, append)")
            key = <object>PyTuple_GET_ITEM(item, 1)
            value = <object>PyTuple_GET_ITEM(item, 2)
            if not PyBytes_CheckExact(key) or not (value is None or PyBytes_CheckExact(value)):
                raise TypeError("write_many() keys and values must be bytes")
            dbis[i] = txn._dbi(<object>PyTuple_GET_ITEM(item, 0))
            keys[i].mv_data = PyBytes_AS_STRING(key)
            keys[i].mv_size = PyBytes_GET_SIZE(key)
            deletes[i] = value is None
            if value is not None:
                vals[i].mv_data = PyBytes_AS_STRING(value)
                vals[i].mv_size = PyBytes_GET_SIZE(value)
                flags[i] = MDB_APPEND if <object>PyTuple_GET_ITEM(item, 3) else 0
        # `items` holds every key and value: they outlive the section below
        with nogil:
            for i in range(n):
                if deletes[i]:
                    rc = mdb_del(t, dbis[i], &keys[i], NULL)
                    if rc == MDB_NOTFOUND:
                        rc = 0
                else:
                    rc = mdb_put(t, dbis[i], &keys[i], &vals[i], flags[i])
                if rc:
                    failed = i
                    break
            if failed < 0 and commit:
                rc = mdb_txn_commit(t)
        if failed >= 0:
            _fail(f"write_many() element #{failed}", rc)
    finally:
        _free5(keys, vals, dbis, flags, deletes)
    if commit:
        txn.txn = NULL  # committed or, on failure, freed by LMDB: nothing left to abort
        _check("mdb_txn_commit", rc)


# ---- transactions -------------------------------------------------------------------------

@cython.no_gc_clear
cdef class Transaction:
    cdef Environment env
    cdef MDB_txn *txn
    cdef readonly bint write
    cdef bint buffers
    cdef _Database db

    cdef inline int _valid(self) except -1:
        if self.txn == NULL or self.env.env == NULL:
            raise Error("Attempt to operate on closed/deleted/dropped object.")
        return 0

    cdef inline MDB_dbi _dbi(self, object db) except? 0:
        if db is None:
            return self.db.dbi
        return (<_Database?>db).dbi

    def commit(self):
        """Make a write transaction durable (the GIL is released for the fsync); end a read one."""
        cdef MDB_txn *t = self.txn
        cdef int rc
        if t == NULL or self.env.env == NULL:
            return
        self.txn = NULL  # its cursors see this: they are invalid from now on
        if not self.write:
            self._park(t)
            return
        with nogil:
            rc = mdb_txn_commit(t)
        _check("mdb_txn_commit", rc)

    def abort(self):
        cdef MDB_txn *t = self.txn
        if t == NULL or self.env.env == NULL:
            return
        self.txn = NULL
        if self.write:
            mdb_txn_abort(t)
        else:
            self._park(t)

    cdef void _park(self, MDB_txn *t):
        """A finished read transaction is kept, reset, for the next begin() to renew."""
        if self.env.spare == NULL:
            mdb_txn_reset(t)
            self.env.spare = t
        else:
            mdb_txn_abort(t)

    def __dealloc__(self):
        # dropped without commit/abort (its cursors, which hold it, are gone): aborted, as in
        # py-lmdb, so its reader slot does not pin old pages
        if self.txn != NULL and self.env is not None and self.env.env != NULL:
            mdb_txn_abort(self.txn)
            self.txn = NULL

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def get(self, key, default=None, db=None):
        cdef MDB_val k, v
        cdef _In kin = _In()
        cdef int rc
        self._valid()
        kin.take(key, &k)
        rc = mdb_get(self.txn, self._dbi(db), &k, &v)
        kin.release()
        if rc == MDB_NOTFOUND:
            return default
        _check("mdb_get", rc)
        return _out(&v, self.buffers)

    def put(self, key, value, dupdata=True, overwrite=True, append=False, db=None):
        """True if written; False when `overwrite=False` and the key exists."""
        cdef MDB_val k, v
        cdef _In kin = _In()
        cdef _In vin = _In()
        cdef int rc
        self._valid()
        kin.take(key, &k)
        vin.take(value, &v)
        rc = mdb_put(self.txn, self._dbi(db), &k, &v, _put_flags(dupdata, overwrite, append))
        kin.release()
        vin.release()
        if rc == MDB_KEYEXIST:
            return False
        _check("mdb_put", rc)
        return True

    def delete(self, key, value=b"", db=None):
        """True if the key was there."""
        cdef MDB_val k
        cdef _In kin = _In()
        cdef int rc
        self._valid()
        if value:
            raise NotImplementedError("deleting one duplicate is not supported by this binding")
        kin.take(key, &k)
        rc = mdb_del(self.txn, self._dbi(db), &k, NULL)
        kin.release()
        if rc == MDB_NOTFOUND:
            return False
        _check("mdb_del", rc)
        return True

    def cursor(self, db=None):
        cdef Cursor cur = Cursor.__new__(Cursor)
        self._valid()
        _check("mdb_cursor_open", mdb_cursor_open(self.txn, self._dbi(db), &cur.cur))
        cur.txn = self
        cur.buffers = self.buffers
        cur.positioned = False
        return cur


# ---- cursors ------------------------------------------------------------------------------

@cython.no_gc_clear
cdef class Cursor:
    cdef Transaction txn
    cdef MDB_cursor *cur
    cdef bint buffers
    cdef bint positioned
    cdef MDB_val k, v  # the current item, when positioned

    cdef inline int _valid(self) except -1:
        if self.cur == NULL or self.txn.txn == NULL or self.txn.env.env == NULL:
            raise Error("Attempt to operate on closed/deleted/dropped object.")
        return 0

    cdef void _free(self):
        """A write transaction frees its cursors when it ends; a read one's are freed here."""
        if self.cur != NULL and (not self.txn.write or self.txn.txn != NULL) and self.txn.env.env != NULL:
            mdb_cursor_close(self.cur)
        self.cur = NULL
        self.positioned = False

    def __dealloc__(self):
        if self.txn is not None:
            self._free()

    cdef bint _get(self, MDB_cursor_op op) except -1:
        """Move; positioned is whether an item is under the cursor afterwards."""
        cdef int rc = mdb_cursor_get(self.cur, &self.k, &self.v, op)
        if rc == MDB_NOTFOUND:
            self.positioned = False
            return False
        if rc:
            self.positioned = False
            _fail("mdb_cursor_get", rc)
        self.positioned = True
        return True

    def close(self):
        self._free()

    def first(self):
        self._valid()
        return self._get(MDB_FIRST)

    def last(self):
        self._valid()
        return self._get(MDB_LAST)

    def next(self):
        self._valid()
        return self._get(MDB_NEXT if self.positioned else MDB_FIRST)

    cdef bint _seek(self, object key, MDB_cursor_op op) except -1:
        cdef _In kin = _In()
        cdef bint found
        self._valid()
        kin.take(key, &self.k)
        found = self._get(op)
        kin.release()
        return found

    def set_range(self, key):
        """Move to the first key >= `key`; False if there is none."""
        return self._seek(key, MDB_SET_RANGE)

    def set_key(self, key):
        return self._seek(key, MDB_SET_KEY)

    def key(self):
        self._valid()
        if not self.positioned:
            return _out_empty(self.buffers)
        return _out(&self.k, self.buffers)

    def value(self):
        self._valid()
        if not self.positioned:
            return _out_empty(self.buffers)
        return _out(&self.v, self.buffers)

    def item(self):
        return self.key(), self.value()

    def delete(self, dupdata=False):
        """Delete the current item (the cursor moves to the next); False if not positioned."""
        cdef int rc
        self._valid()
        if not self.positioned:
            return False
        rc = mdb_cursor_del(self.cur, MDB_NODUPDATA if dupdata else 0)
        _check("mdb_cursor_del", rc)
        rc = mdb_cursor_get(self.cur, &self.k, &self.v, MDB_GET_CURRENT)
        self.positioned = rc == 0
        return True

    def put(self, key, value, dupdata=True, overwrite=True, append=False):
        cdef MDB_val k, v
        cdef _In kin = _In()
        cdef _In vin = _In()
        cdef int rc
        self._valid()
        kin.take(key, &k)
        vin.take(value, &v)
        rc = mdb_cursor_put(self.cur, &k, &v, _put_flags(dupdata, overwrite, append))
        kin.release()
        vin.release()
        if rc == MDB_KEYEXIST:
            return False
        _check("mdb_cursor_put", rc)
        self.positioned = False
        return True

    def putmulti(self, items, dupdata=True, overwrite=True, append=False):
        """Put each (key, value); (consumed, added), an existing key not counted as added."""
        cdef MDB_val k, v
        cdef _In kin = _In()
        cdef _In vin = _In()
        cdef unsigned int flags = _put_flags(dupdata, overwrite, append)
        cdef Py_ssize_t consumed = 0, added = 0
        cdef int rc
        self._valid()
        for item in items:
            if not (PyTuple_CheckExact(item) and PyTuple_GET_SIZE(item) == 2):
                raise TypeError("putmulti() elements must be 2-tuples")
            kin.take(<object>PyTuple_GET_ITEM(item, 0), &k)
            vin.take(<object>PyTuple_GET_ITEM(item, 1), &v)
            rc = mdb_cursor_put(self.cur, &k, &v, flags)
            if rc == 0:
                added += 1
            elif rc != MDB_KEYEXIST:
                _fail(f"mdb_cursor_put() element #{consumed}", rc)
            consumed += 1
        kin.release()
        vin.release()
        self.positioned = False
        return consumed, added

    def iternext(self, keys=True, values=True):
        """Yield the current item, then each next one (from the first when not positioned)."""
        self._valid()
        if not self.positioned:
            self._get(MDB_FIRST)
        return _Iter(self, 0 if not values else (1 if not keys else 2))

    def __iter__(self):
        return self.iternext()


cdef inline unsigned int _put_flags(dupdata, overwrite, append):
    cdef unsigned int flags = 0
    if not dupdata:
        flags |= MDB_NODUPDATA
    if not overwrite:
        flags |= MDB_NOOVERWRITE
    if append:
        flags |= MDB_APPEND
    return flags


cdef object _out_empty(bint buffers):
    return memoryview(b"") if buffers else b""


cdef class _Iter:
    cdef Cursor cur
    cdef int what  # 0 keys, 1 values, 2 (key, value)
    cdef bint started

    def __cinit__(self, Cursor cur, int what):
        self.cur = cur
        self.what = what
        self.started = False

    def __iter__(self):
        return self

    def __next__(self):
        cdef Cursor c = self.cur
        c._valid()
        if not c.positioned:
            raise StopIteration
        if self.started:
            if not c._get(MDB_NEXT):
                raise StopIteration
        self.started = True
        if self.what == 2:
            return _out(&c.k, c.buffers), _out(&c.v, c.buffers)
        if self.what == 0:
            return _out(&c.k, c.buffers)
        return _out(&c.v, c.buffers)
