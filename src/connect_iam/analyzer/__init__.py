"""connect-iam analyzer."""
