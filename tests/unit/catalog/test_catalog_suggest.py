"""Did-you-mean suggestions for the misspellings in the Connect examples (connect-model.md §3)."""

from __future__ import annotations

import pytest

from connect_iam.catalog import suggest_action, suggest_condition_key, suggest_service


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("app-integartions", "app-integrations"),  # seed 2 action typo
        ("appintegrations", "app-integrations"),  # seed 2 ARN namespace (SDK client name)
        ("conect", "connect"),
        ("connect-camapigns", "connect-campaigns"),  # §3 "more fixtures"
        ("app-integrations", None),  # exists
        ("CONNECT", None),  # exists, case-insensitively
        ("zzzzqqq", None),
        ("storage", None),  # too far from anything to guess
    ],
)
def test_suggest_service(written: str, expected: str | None) -> None:
    assert suggest_service(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("profile:ListObjects", "profile:ListProfileObjects"),  # seed 8
        ("connect:CreatUser", "connect:CreateUser"),
        ("connect:ListUser", "connect:ListUsers"),
        ("connect:DescribeUsr", "connect:DescribeUser"),
        ("app-integartions:DeleteEventIntegration", "app-integrations:DeleteEventIntegration"),
        ("app-integartions:DeleteEventIntegraton", "app-integrations:DeleteEventIntegration"),
        ("connect:CreateUser", None),  # exists
        ("connect:createuser", None),  # exists: action names are case-insensitive
        ("connect:FooBarBaz", None),
        ("connect:DeleteEverything", None),
        ("profile:Purge", None),
        ("zzzz:CreateUser", None),  # unknown service with nothing close
        ("connect:UpdateUser*", None),  # a pattern, not a name
        ("connect", None),
        ("connect:", None),
    ],
)
def test_suggest_action(written: str, expected: str | None) -> None:
    assert suggest_action(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("connect:ResourceTag/Team", "aws:ResourceTag/Team"),  # admin-guide defect, §1.3
        ("aws:ResourceTags/Team", "aws:ResourceTag/Team"),
        ("aws:PrincipleTag/Dept", "aws:PrincipalTag/Dept"),
        ("aws:SorceIp", "aws:SourceIp"),
        ("aws:SecureTransprt", "aws:SecureTransport"),
        ("connect:InstancId", "connect:InstanceId"),
        ("connect:TagKeys", "aws:TagKeys"),
        ("aws:SourceIP", None),  # exists: key names are case-insensitive
        ("connect:InstanceId", None),
        ("aws:ResourceTag/Team", None),
        ("connect:SecurityProfileId", None),  # no such key and nothing close (§1.3)
        ("aws:Foo", None),
        ("nokey", None),
    ],
)
def test_suggest_condition_key(written: str, expected: str | None) -> None:
    assert suggest_condition_key(written) == expected
