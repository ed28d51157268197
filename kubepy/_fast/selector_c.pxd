# C types for selector_c.py (a symlink to selector_py.py): the same source compiled by Cython.
cimport cython

cdef int OP_IN, OP_NOT_IN, OP_EQUALS, OP_DOUBLE_EQUALS, OP_NOT_EQUALS
cdef int OP_EXISTS, OP_DOES_NOT_EXIST, OP_GREATER_THAN, OP_LESS_THAN
cdef int TOK_ERROR, TOK_EOS, TOK_CLOSED_PAR, TOK_COMMA, TOK_DOES_NOT_EXIST, TOK_DOUBLE_EQUALS
cdef int TOK_EQUALS, TOK_GREATER_THAN, TOK_IDENTIFIER, TOK_IN, TOK_LESS_THAN, TOK_NOT_EQUALS
cdef int TOK_NOT_IN, TOK_OPEN_PAR
cdef dict _STRING_TO_TOKEN, _TOKEN_TO_OPERATOR, _OPERATOR_CODES, _LABEL_SELECTOR_OPERATORS

cpdef object parse_int64(str s)
cdef dict _as_dict(object labels)


cdef class Requirement:
    cdef readonly str key
    cdef readonly int op
    cdef readonly tuple values
    cdef frozenset _set
    cdef object _num

    cpdef bint matches(self, object labels)
    @cython.locals(op=int)
    cdef bint _match(self, dict labels)


cdef class Selector:
    cdef readonly tuple _reqs
    cdef readonly bint _nothing

    cpdef bint matches(self, object labels)
    @cython.locals(out=list)
    cpdef list matches_many(self, object label_sets)
    @cython.locals(out=list, i=Py_ssize_t)
    cpdef list select_indices(self, object label_sets)
    @cython.locals(r=Requirement)
    cdef bint _match_all(self, dict labels)


cdef bint _is_whitespace(Py_UCS4 ch) noexcept
cdef bint _is_special(Py_UCS4 ch) noexcept


@cython.locals(n=Py_ssize_t, pos=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, ch=Py_UCS4, tok=int, t=int,
               tokens=list, literals=list)
cpdef tuple scan(str s)


cdef class _Parser:
    cdef list tokens
    cdef list literals
    cdef Py_ssize_t position
    cdef object key_errors
    cdef object value_errors

    @cython.locals(tok=int)
    cdef int lookahead(self, bint values_context)
    cdef int consume(self, bint values_context)
    cdef str literal(self, Py_ssize_t back)
    @cython.locals(tok=int, reqs=list)
    cpdef list parse(self)
    @cython.locals(tok=int, op=int)
    cdef Requirement parse_requirement(self)
    @cython.locals(tok=int)
    cdef set parse_values(self)
    @cython.locals(tok=int, values=set)
    cdef set parse_identifiers_list(self)
    @cython.locals(tok=int)
    cdef set parse_exact_value(self)
