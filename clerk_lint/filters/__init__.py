"""After classification: drop what the user asked to drop (inline suppressions, baseline, git diff range)."""
