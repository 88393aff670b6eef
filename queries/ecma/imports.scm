; Every way a module reaches this file. Specifier details are read from the captured
; statement node in Python; the query only finds the statements and their sources.

(import_statement
  source: (string (string_fragment) @source)) @import

; export { a as b } from "x" / export * from "x" / export * as ns from "x"
(export_statement
  source: (string (string_fragment) @source)) @reexport

; require("x"), as a declarator value or on its own
((call_expression
   function: (identifier) @_require
   arguments: (arguments . (string (string_fragment) @source)))
 (#eq? @_require "require")) @require

; import("x")
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @source))) @dynamic
