; Scopes and the names they declare (nvim-treesitter's locals convention). Python decides
; which scope a definition belongs to (var hoists, let/const and parameters do not).

[
  (program)
  (statement_block)
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (generator_function)
  (arrow_function)
  (method_definition)
  (class_body)
  (for_statement)
  (for_in_statement)
  (catch_clause)
  (switch_body)
] @local.scope

(variable_declarator name: (identifier) @local.definition)
(function_declaration name: (identifier) @local.definition)
(generator_function_declaration name: (identifier) @local.definition)
(function_expression name: (identifier) @local.definition)
(arrow_function parameter: (identifier) @local.definition)
(catch_clause parameter: (identifier) @local.definition)
(for_in_statement left: (identifier) @local.definition)

; Names inside destructuring patterns, at any depth. Patterns also appear on the left of
; plain assignments; Python drops those (they declare nothing).
(shorthand_property_identifier_pattern) @local.definition
(pair_pattern value: (identifier) @local.definition)
(array_pattern (identifier) @local.definition)
(rest_pattern (identifier) @local.definition)
(assignment_pattern left: (identifier) @local.definition)

(import_specifier alias: (identifier) @local.definition)
(import_specifier !alias name: (identifier) @local.definition)
(import_clause (identifier) @local.definition)
(namespace_import (identifier) @local.definition)
