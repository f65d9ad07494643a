"""connect-iam: offline IAM policy engine for Amazon Connect."""
