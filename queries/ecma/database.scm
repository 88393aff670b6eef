; Keys of object properties: ORM schema fields such as Drizzle `clerkId: text("clerk_id")`,
; Convex `clerkUserId: v.string()`, Mongoose `clerkId: { type: String }`. Python decides
; which are column definitions named after Clerk (schema_analyzer.js_clerk_id_column).
(pair key: [(property_identifier) (string)] @clerk-id-column)
