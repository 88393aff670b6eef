; Auth provider objects with an applicationID: Convex's convex/auth.config.ts
; (config_analyzer.js_convex_issuer checks for a Clerk domain / issuer).
((object
   (pair key: (property_identifier) @_key)) @convex-provider
 (#eq? @_key "applicationID"))

; Expo config plugins in app.config.ts / app.config.js: plugins: ["@clerk/expo", ...] or
; plugins: [["@clerk/expo", { ... }]] (config_analyzer.js_expo_plugin).
(pair
  key: (property_identifier) @_plugins
  value: (array
    [
      (string (string_fragment) @expo-plugin)
      (array . (string (string_fragment) @expo-plugin))
    ])
  (#eq? @_plugins "plugins"))

; Nuxt: a Clerk module in `modules: ["@clerk/nuxt"]` (or `[["@clerk/nuxt", { ... }]]`) and the
; module's options object `clerk: { ... }` (config_checks.js_nuxt_clerk).
(pair
  key: (property_identifier) @_modules
  value: (array
    [
      (string (string_fragment) @nuxt-clerk)
      (array . (string (string_fragment) @nuxt-clerk))
    ])
  (#eq? @_modules "modules"))
(pair
  key: [(property_identifier) (string)] @_clerk
  value: (object) @nuxt-clerk
  (#match? @_clerk "^[\"']?clerk[\"']?$"))
