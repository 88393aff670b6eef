"""clerk-lint: find every Clerk dependency and plan the move to Better Auth."""

__version__ = "0.1.0"
