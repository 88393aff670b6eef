"""Stage 1: find the files to scan (walk, ignore rules, file kinds, the project's workspaces and SDK versions)."""
