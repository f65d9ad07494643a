"""connect-iam catalog."""
