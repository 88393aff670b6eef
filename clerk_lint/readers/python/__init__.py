"""Python sources through libcst: bindings and rules."""
