"""Python sources through the standard library's ast: scopes, bindings, the walker and its rules."""
