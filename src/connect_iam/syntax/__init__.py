"""connect-iam syntax."""
