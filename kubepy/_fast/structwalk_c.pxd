# C types for structwalk_c.py (a symlink to structwalk_py.py): the same source compiled by Cython.
cimport cython

cdef object _UNKNOWN
cdef object _IS_STR


cdef class StructCheck:
    cdef public dict subs


@cython.locals(nulls=list, d=dict)
cpdef object check_struct(dict subs, object obj)


cpdef bint is_zero(object value) except -1


cdef class StructOrder:
    cdef public dict index
    cdef public dict plan
    cdef public bint sharing
    cdef public Py_ssize_t limit
    cdef public dict layouts


@cython.locals(d=dict, keys=tuple, found=tuple, ordered=tuple, subs=tuple, omittable=tuple, out=dict)
cpdef object order_struct(StructOrder so, object value)

@cython.locals(plan=dict, out=dict, p=tuple)
cdef dict _ordered_omitting(StructOrder so, dict value, tuple ordered)
