# C types for scoring_c.py (a symlink to scoring_py.py): the same source compiled by Cython.
# Node arrays are array.array("q") (int64) and the reason ids / index arrays array.array("i").
cimport cython

# Indexing is unchecked (directives at the top of scoring_py.py).
# The per-node helpers are `inline noexcept`: the kernels call them per node (twice per node when
# scoring), and as plain C calls each copied four memoryview structs by value and checked for an
# error after it; inlined, score_nodes over 420 nodes takes 6 us instead of 16 us. (Cython warns
# that declarations should not be inline, and inlines them all the same.) None of them can raise.

cdef long long _MAX, _TOO_MANY

cpdef inline long long least_requested_score(long long requested, long long capacity) noexcept

@cython.locals(mask=cython.longlong, base=Py_ssize_t, r=Py_ssize_t, want=cython.longlong, any_request=int)
cpdef inline long long fit_failures(Py_ssize_t nres, const long long[::1] alloc, const long long[::1] requested,
                             const long long[::1] pod_count, const long long[::1] max_pods,
                             const long long[::1] pod_req, Py_ssize_t i) noexcept

@cython.locals(found=Py_ssize_t, visited=Py_ssize_t, i=Py_ssize_t, code=cython.longlong, mask=cython.longlong)
cpdef tuple filter_nodes(Py_ssize_t n, Py_ssize_t nres, const long long[::1] alloc,
                         const long long[::1] requested, const long long[::1] pod_count,
                         const long long[::1] max_pods, const long long[::1] pod_req, int check_fit, const int[::1] pre,
                         const int[::1] post, Py_ssize_t start, Py_ssize_t want, int[::1] feasible_out,
                         long long[::1] status_out)

@cython.locals(base=Py_ssize_t, count=int, total=double, f0=double, f1=double, r=Py_ssize_t,
               fraction=double, std=double, mean=double, acc=double)
cpdef inline long long balanced_score(Py_ssize_t nres, const long long[::1] alloc, const long long[::1] requested,
                               const long long[::1] pod_req, const long long[::1] use, Py_ssize_t i) noexcept

@cython.locals(base=Py_ssize_t, score=cython.longlong, weight_sum=cython.longlong, r=Py_ssize_t,
               w=cython.longlong)
cpdef inline long long least_allocated_score(Py_ssize_t nres, const long long[::1] alloc,
                                      const long long[::1] requested, const long long[::1] pod_req,
                                      const long long[::1] weights, Py_ssize_t i) noexcept

@cython.locals(ties=Py_ssize_t, best=cython.longlong, j=Py_ssize_t, i=Py_ssize_t, total=cython.longlong)
cpdef Py_ssize_t score_nodes(Py_ssize_t nres, const long long[::1] alloc,
                             const long long[::1] nonzero_requested, const long long[::1] requested,
                             const long long[::1] pod_nonzero, const long long[::1] pod_req,
                             const int[::1] feasible, Py_ssize_t k, const long long[::1] least_weights,
                             long long least_weight, const long long[::1] balanced_use,
                             long long balanced_weight, const long long[::1] extra, int has_extra,
                             long long[::1] scores_out, int[::1] ties_out)
