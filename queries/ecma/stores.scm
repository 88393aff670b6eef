; Reads of request-scoped stores (readers/ecma/value_stores.py `reads`), run only on a file
; that may read a stored key. Python checks the key and that the receiver is a handler's.

; `c.get("userId")`: Hono's context
(call_expression
  function: (member_expression
    object: (identifier)
    property: (property_identifier) @_get (#eq? @_get "get"))
  arguments: (arguments)) @context-read

; `res.locals.userId`, `req.userId`: the innermost link of a member chain on a plain name
(member_expression object: (identifier)) @member-root
