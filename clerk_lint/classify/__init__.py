"""Stage 4: a resolved use or import, looked up in the rule catalog, becomes a Finding. Readers call it; it reads only their output types."""
