"""What Clerk is: the SDK catalog, env variables, webhook events, Clerk ids, secrets. Readers ask these; nothing here reads files."""
