; Keys of object properties: ORM schema fields such as Drizzle `clerkId: text("clerk_id")`,
; Convex `clerkUserId: v.string()`, Mongoose `clerkId: { type: String }`. Python decides
; which are column definitions named after Clerk (schema_analyzer.js_clerk_id_column).
(pair key: [(property_identifier) (string)] @clerk-id-column)

; Indexes over columns (schema_checks.js_clerk_id_index): Drizzle `index("x").on(t.clerkUserId)`,
; `uniqueIndex(...).on(...)`, `unique().on(...)`; Convex `.index("by_clerkId", ["clerkId"])`;
; Mongoose `index: true` inside a field's options (a field's `unique: true` stays its column's finding).
((call_expression
   function: (member_expression property: (property_identifier) @_on)) @clerk-id-index
 (#any-of? @_on "on" "index"))
((pair key: (property_identifier) @_flag value: (true)) @clerk-id-index
 (#eq? @_flag "index"))
