"""connect-iam validator."""
