"""Stage 3: what each imported name is bound to across files (module resolver, cross-file summaries)."""
