; Comparisons of a string with something: `evt.type === "user.created"`, either side.
(binary_expression
  left: (string (string_fragment) @event-comparison)
  operator: ["===" "==" "!==" "!="])
(binary_expression
  operator: ["===" "==" "!==" "!="]
  right: (string (string_fragment) @event-comparison))

; switch (evt.type) { case "user.created": ... }
(switch_case value: (string (string_fragment) @event-comparison))
