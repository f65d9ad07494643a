"""connect-iam model."""
