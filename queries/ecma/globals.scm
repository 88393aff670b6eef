; The global Clerk instance every Clerk frontend SDK installs: `window.Clerk`,
; `globalThis.Clerk`, `self.Clerk`, `(window as any).Clerk` (TypeScript), `window["Clerk"]`.
; The capture is the property; its parent expression is what gets reported.
(member_expression
  object: (identifier) @_global
  property: (property_identifier) @clerk-global
  (#any-of? @_global "window" "globalThis" "self")
  (#eq? @clerk-global "Clerk"))

(member_expression
  object: (parenthesized_expression (_ (identifier) @_global))
  property: (property_identifier) @clerk-global
  (#any-of? @_global "window" "globalThis" "self")
  (#eq? @clerk-global "Clerk"))

(subscript_expression
  object: (identifier) @_global
  index: (string) @clerk-global
  (#any-of? @_global "window" "globalThis" "self")
  (#match? @clerk-global "^[\"']Clerk[\"']$"))
