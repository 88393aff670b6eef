; JavaScript-only declarations.
(formal_parameters (identifier) @local.definition)
(class_declaration name: (identifier) @local.definition)
