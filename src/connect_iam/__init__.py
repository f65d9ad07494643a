"""connect-iam: offline, exact IAM policy engine for Amazon Connect.

The public API mirrors AWS's own: the IAM policy simulator (`simulate_custom_policy`, ...), IAM
Access Analyzer's policy validation and custom checks. Everything here runs without an AWS account.
"""

from __future__ import annotations

from connect_iam.analyzer.checks import (
    check_access_not_granted,
    check_no_new_access,
    check_no_public_access,
)
from connect_iam.errors import (
    CatalogError,
    ConnectIamError,
    NoSuchEntityError,
    PolicyError,
    RequestError,
    UnsupportedError,
)
from connect_iam.evaluator.principal import (
    AccountSnapshot,
    get_context_keys_for_principal_policy,
    simulate_principal_policy,
)
from connect_iam.evaluator.simulator import (
    get_context_keys_for_custom_policy,
    simulate_custom_policy,
)
from connect_iam.syntax.policy_parser import load_policy, parse_policy

__version__ = "0.1.0"

__all__ = [
    "AccountSnapshot",
    "CatalogError",
    "ConnectIamError",
    "NoSuchEntityError",
    "PolicyError",
    "RequestError",
    "UnsupportedError",
    "__version__",
    "check_access_not_granted",
    "check_no_new_access",
    "check_no_public_access",
    "get_context_keys_for_custom_policy",
    "get_context_keys_for_principal_policy",
    "load_policy",
    "parse_policy",
    "simulate_custom_policy",
    "simulate_principal_policy",
]
