"""Exceptions are for "cannot continue"; problems with the user's input are findings.

The tree, read first:

    ConnectIamError                 root: catch this to handle every error the library raises
    ├── PolicyError                 a policy cannot be used (bad JSON or grammar); carries findings
    ├── RequestError                a malformed simulation or check request (AWS: InvalidInput)
    ├── NoSuchEntityError           simulate_principal_policy: principal not in the snapshot
    ├── UnsupportedError            the request is valid but outside what the engine decides
    └── CatalogError                the service catalog data cannot be loaded
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connect_iam.diagnostics import Finding


class ConnectIamError(Exception):
    """Root of every exception connect-iam raises on purpose."""


class PolicyError(ConnectIamError):
    """A policy document that cannot be used: every problem found, each with its position."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings: tuple[Finding, ...] = tuple(findings)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.findings:
            return head
        lines = [head]
        lines.extend(f"  {finding.location_text()}: {finding.message}" for finding in self.findings)
        return "\n".join(lines)


class RequestError(ConnectIamError):
    """A malformed request: maps to AWS's `InvalidInput` / `ValidationException`."""


class NoSuchEntityError(ConnectIamError):
    """The principal named by `PolicySourceArn` is not in the account snapshot."""


class UnsupportedError(ConnectIamError):
    """A valid request that the engine does not decide (the analyzer answers UNKNOWN instead)."""


class CatalogError(ConnectIamError):
    """The service authorization data could not be loaded."""
