; Type positions naming an imported type (readers/ecma/type_uses.py): `x: UserResource`,
; `Clerk.UserResource`, `typeof getAuth`, and the interfaces `declare global { ... }` adds.
(type_identifier) @type-name
(nested_type_identifier module: (identifier) @namespace) @nested-type
(type_query (identifier) @type-of)
(ambient_declaration (statement_block (interface_declaration name: (type_identifier) @global-interface)))
