; Comparisons of a string with something: `evt.type === "user.created"`, either side.
(binary_expression
  left: (string (string_fragment) @event-comparison)
  operator: ["===" "==" "!==" "!="])
(binary_expression
  operator: ["===" "==" "!==" "!="]
  right: (string (string_fragment) @event-comparison))

; switch (evt.type) { case "user.created": ... }
(switch_case value: (string (string_fragment) @event-comparison))

; Calls a hand-rolled Svix check makes: the HMAC (`createHmac`, `crypto.subtle.sign` /
; `importKey`) and the constant-time compare (webhook_payloads.py keeps those of a file that
; reads Svix headers).
((call_expression
   function: (identifier) @signing-call)
 (#any-of? @signing-call "createHmac" "timingSafeEqual"))
((call_expression
   function: (member_expression property: (property_identifier) @signing-call))
 (#any-of? @signing-call "createHmac" "timingSafeEqual" "sign" "importKey"))

; Route registrations: Convex `http.route({ path, method, handler })`, Express / Hono
; `app.post("/webhooks/clerk", handler)`.
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . [(string) (object)])) @route-call
 (#any-of? @_method "route" "post" "all"))
