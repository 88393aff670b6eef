; Text of string literals and template strings. One capture, two rules: Clerk hosts in
; configs (config_analyzer.js_clerk_domain) and secret keys written into source
; (env_analyzer.js_secret_literal).
(string (string_fragment) @clerk-domain @secret-literal @role-key)
(template_string (string_fragment) @clerk-domain @secret-literal)
