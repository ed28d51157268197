# C types for fieldset_c.py (a symlink to fieldset_py.py): the same source compiled by Cython.
cimport cython

cdef int LEAF, STRUCT, MAP, SET, ASSOC
cdef object MISSING


cdef class Info:
    cdef public int kind
    cdef public dict children
    cdef public Info other
    cdef public dict plan
    cdef public Info item
    cdef public bint keys_zero_filled
    cdef public object pe_of
    cdef public object item_view
    cdef public object one_key
    cdef public dict key_pes


@cython.locals(pe=str)
cpdef str field_pe(str name)

@cython.locals(i=Py_ssize_t)
cpdef bint json_equal(object a, object b) except -1
cpdef bint same_json(object a, object b) except -1

cpdef added(object v, Info info, tuple path, dict rt, set out)

@cython.locals(d=dict, plan=dict, children=dict, other=Info, sub=Info, pes=dict, p=tuple, pe=str)
cdef bint _children_added(object v, Info info, tuple path, dict rt, set out) except -1

@cython.locals(pe=str, srt=dict)
cdef _added_child(str k, object x, Info info, tuple path, dict rt, set out)

@cython.locals(groups=dict, same=list, pe=str, key_pes=dict)
cdef dict _group(list items, Info info)

@cython.locals(inner=Info, vs=list, srt=dict, pe=str)
cdef _items_added(list items, Info info, tuple path, dict rt, set out)

@cython.locals(out=set)
cpdef set created_fields(object obj, Info info, dict rt)

@cython.locals(plan=dict, children=dict, other=Info, d=dict, pe=str, srt=dict, p=tuple)
cdef _template(object v, Info info, tuple path, dict rt, set out)

cdef _null_list(object v, Info info, tuple path, dict rt, set out)

cdef frozenset NO_KEYS

@cython.locals(keys=tuple, out=list, sub=object, raw=object)
cpdef object shape_key(dict d, frozenset drop, object json_key)

@cython.locals(a=set, m=set, r=set)
cpdef tuple compare_views(object lhs, object rhs, Info info)

cdef bint _wrong_shape(object v, bint is_dict) except -1

@cython.locals(kind=int, is_dict=bint, plan=dict, lv=dict, rv=dict)
cdef _cmp_view(object lhs, object rhs, Info info, tuple path, set a, set m, set r)

@cython.locals(children=dict, other=Info, pes=dict, keys=dict, pe=str)
cdef _cmp_members(dict lv, dict rv, Info info, dict plan, tuple path, set a, set m, set r)

@cython.locals(lmap=dict, rmap=dict, inner=Info, keys=dict, ll=list, rl=list, nl=Py_ssize_t, nr=Py_ssize_t, p=tuple)
cdef _cmp_items(list lhs, list rhs, Info info, tuple path, set a, set m, set r)

cdef str SUBTREE

@cython.locals(keys=list, pe=str)
cpdef list sorted_keys(dict node, object order)

@cython.locals(out=dict, sub=dict, pe=str)
cpdef dict emit(dict node, object order, bint root)

@cython.locals(root=dict, node=dict, sub=dict, path=tuple, pe=str)
cpdef dict trie_of(object fs, Py_ssize_t skip)

@cython.locals(groups=dict, top=dict, path=tuple, head=tuple, same=list, node=dict, sub=dict, pe=str,
               first=dict, paths=list, out=dict, level=dict, pe2=str)
cpdef dict encode_grouped(object fs, object subtree, object order)
