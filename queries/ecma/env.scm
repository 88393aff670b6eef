; Reads of environment variables; Python keeps the ones named after Clerk (env_analyzer.js_env_read).

; process.env.NAME, import.meta.env.NAME, Bun.env.NAME, c.env.NAME, env.NAME (t3-env, SvelteKit)
(member_expression
  object: [
    (identifier) @_env
    (member_expression property: (property_identifier) @_env)
  ]
  property: (property_identifier) @clerk-env-read
  (#eq? @_env "env"))

; Nuxt runtime config, filled from NUXT_CLERK_* / NUXT_PUBLIC_CLERK_* variables:
; useRuntimeConfig().clerkSecretKey, useRuntimeConfig().public.clerkPublishableKey
(member_expression
  object: [
    (call_expression function: (identifier) @_rc)
    (member_expression object: (call_expression function: (identifier) @_rc))
  ]
  property: (property_identifier) @clerk-env-read
  (#eq? @_rc "useRuntimeConfig"))

; process.env["NAME"]
(subscript_expression
  object: [
    (identifier) @_env
    (member_expression property: (property_identifier) @_env)
  ]
  index: (string (string_fragment) @clerk-env-read)
  (#eq? @_env "env"))

; const { NAME } = process.env / const { NAME: alias } = import.meta.env
(variable_declarator
  name: (object_pattern
    [
      (shorthand_property_identifier_pattern) @clerk-env-read
      (pair_pattern key: (property_identifier) @clerk-env-read)
    ])
  value: [
    (identifier) @_env
    (member_expression property: (property_identifier) @_env)
  ]
  (#eq? @_env "env"))

; import { NAME } from "$env/static/private" (SvelteKit)
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @clerk-env-read)))
  source: (string (string_fragment) @_source)
  (#match? @_source "^[$]env/"))

; Deno.env.get("NAME"), context.env.get("NAME")
(call_expression
  function: (member_expression
    object: (member_expression property: (property_identifier) @_env)
    property: (property_identifier) @_get)
  arguments: (arguments . (string (string_fragment) @clerk-env-read))
  (#eq? @_env "env")
  (#eq? @_get "get"))

; Env schema entries: { CLERK_SECRET_KEY: z.string().min(1) } (t3-env createEnv server / client /
; shared, zod / valibot / joi objects, envalid cleanEnv, envsafe): a variable key whose value is a
; validator call (env_schema.js_env_schema_key keeps upper-case Clerk names).
(pair
  key: [
    (property_identifier) @clerk-env-schema-key
    (string (string_fragment) @clerk-env-schema-key)
  ]
  value: (call_expression))
