"""JavaScript / TypeScript / JSX / TSX: tree-sitter parse, queries, imports, scopes, bindings, exports."""
