; Text of string literals and template strings. One capture, two rules: Clerk hosts in
; configs (config_analyzer.js_clerk_domain) and secret keys written into source
; (env_analyzer.js_secret_literal), Clerk variables named in messages (env_checks.js_env_named).
(string (string_fragment) @clerk-domain @secret-literal @role-key)
; (a fourth capture on the same node is dropped by the query engine: its own pattern)
(string (string_fragment) @clerk-env-named)
(template_string (string_fragment) @clerk-domain @secret-literal @clerk-env-named)
