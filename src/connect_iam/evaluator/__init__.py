"""connect-iam evaluator."""
