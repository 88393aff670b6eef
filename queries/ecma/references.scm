; Names read as values: plain identifiers (calls, JSX tags, arguments ...) and object
; shorthand `{ auth }`. Member names (`x.auth`) are property_identifier and never match.
(identifier) @reference
(shorthand_property_identifier) @reference
