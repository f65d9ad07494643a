"""connect-iam cli."""
