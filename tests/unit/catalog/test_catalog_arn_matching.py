"""ARN templates as languages: concrete ARN membership (`matches`) and policy-pattern
intersection (`pattern_could_match`). Cases from connect-model.md §0, §1.2, §2.1 and §3."""

from __future__ import annotations

import pytest

from connect_iam.catalog import ResourceTypeInfo, ServiceCatalog, get_catalog

ACCT = "111122223333"
INST = "00fbeee1-123e-111e-93e3-11111bfbfcc1"
PREFIX = f"arn:aws:connect:us-west-2:{ACCT}:instance/{INST}"


@pytest.fixture(scope="module")
def catalog() -> ServiceCatalog:
    return get_catalog()


def _type(catalog: ServiceCatalog, service: str, name: str) -> ResourceTypeInfo:
    found = catalog.resource_type(service, name)
    assert found is not None
    return found


def _names(catalog: ServiceCatalog, service: str, predicate: str, value: str) -> set[str]:
    return {
        t.name
        for t in catalog.resource_types(service)
        if (t.matches(value) if predicate == "matches" else t.pattern_could_match(value))
    }


def test_agent_arn_is_user(catalog: ServiceCatalog) -> None:
    assert _names(catalog, "connect", "matches", f"{PREFIX}/agent/u1") == {"user"}
    assert not _type(catalog, "connect", "user").matches(f"{PREFIX}/user/u1")


def test_contact_flow_arn_is_not_contact(catalog: ServiceCatalog) -> None:
    contact = _type(catalog, "connect", "contact")
    assert contact.matches(f"{PREFIX}/contact/c1")
    assert not contact.matches(f"{PREFIX}/contact-flow/f1")
    assert _names(catalog, "connect", "matches", f"{PREFIX}/contact-flow/f1") == {"contact-flow"}


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (f"arn:aws:connect:us-west-2:{ACCT}:instance/{INST}", {"instance"}),
        (f"arn:aws-us-gov:connect:us-gov-west-1:{ACCT}:instance/{INST}", {"instance"}),
        (f"arn:aws:connect:us-west-2:{ACCT}:phone-number/p1", {"phone-number"}),
        (f"{PREFIX}/phone-number/p1", {"legacy-phone-number"}),
        (f"{PREFIX}/agent-group/h1", {"hierarchy-group"}),
        (f"{PREFIX}/view/v1", {"customer-managed-view"}),
        (
            f"{PREFIX}/view/v1:$LATEST",
            {"customer-managed-view-version", "qualified-customer-managed-view"},
        ),
        ("arn:aws:connect:us-west-2:aws:view/v1", {"aws-managed-view"}),
        (f"arn:aws:wisdom:us-west-2:{ACCT}:ai-agent/a1/g1:1", {"ai-agent"}),
        (f"arn:aws:app-integrations:us-west-2:{ACCT}:application/app1", {"application"}),
        (f"{PREFIX}/agent/u1/extra", set()),  # ids are single path segments
        (f"{PREFIX}/agent/", set()),  # and non-empty
        (f"arn:aws:connect:us-west-2:{ACCT}:instance/{INST}/agent", set()),
        (f"arn:aws:appintegrations:us-west-2:{ACCT}:application/app1", set()),
    ],
)
def test_connect_concrete_arns(catalog: ServiceCatalog, arn: str, expected: set[str]) -> None:
    assert _names(catalog, "connect", "matches", arn) == expected


def test_wildcard_types_take_the_literal_star(catalog: ServiceCatalog) -> None:
    """Connect authorizes ListQueues against `instance/ID/queue/*` itself (§1.2)."""
    wildcard = _type(catalog, "connect", "wildcard-queue")
    assert wildcard.matches(f"{PREFIX}/queue/*")
    assert not wildcard.matches(f"{PREFIX}/queue/q1")
    assert not wildcard.pattern_could_match(f"{PREFIX}/queue/q1")
    assert wildcard.pattern_could_match(f"{PREFIX}/queue/*")
    assert wildcard.pattern_could_match(f"{PREFIX}/*")
    assert wildcard.pattern_could_match(f"{PREFIX}/queue/?")
    flows = _type(catalog, "connect", "wildcard-contact-flow")
    assert flows.pattern_could_match("*")
    assert not flows.pattern_could_match(f"arn:aws:connect:us-west-2:{ACCT}:instance/{INST}")


def test_non_collection_template_star_is_a_wildcard(catalog: ServiceCatalog) -> None:
    endpoint = _type(catalog, "dms", "Endpoint")
    assert endpoint.matches(f"arn:aws:dms:us-east-1:{ACCT}:endpoint:ABCDEF")
    all_users = _type(catalog, "identitystore", "AllUsers")
    assert all_users.matches("arn:aws:identitystore:::user/*")
    assert not all_users.matches("arn:aws:identitystore:::user/u-1")


def test_path_like_variables(catalog: ServiceCatalog) -> None:
    assert _names(catalog, "s3", "matches", "arn:aws:s3:::bucket/a/b:c.txt") == {"object"}
    assert _names(catalog, "s3", "matches", "arn:aws:s3:::bucket") == {"bucket"}
    role = _type(catalog, "iam", "role")
    assert role.matches(f"arn:aws:iam::{ACCT}:role/path/to/Admin")
    stream = _type(catalog, "logs", "log-stream")
    assert stream.matches(
        f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/lambda/f:log-stream:2024/01/01/[1]x"
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # seed 5: the literal `/contact/` excludes contact-flow and contact-evaluation
        ("arn:aws:connect:us-west-2:accountID:instance/*/contact/*", {"contact"}),
        (f"{PREFIX}/agent/*", {"user"}),
        (f"{PREFIX}/agent-group/*", {"hierarchy-group"}),
        # contact-flow-module's segment is `flow-module`, so it is not reached
        (
            f"{PREFIX}/contact*",
            {"contact", "contact-flow", "wildcard-contact-flow", "contact-evaluation"},
        ),
        (f"{PREFIX}/queue/q?", {"queue"}),
        (f"arn:aws:connect:us-west-2:{ACCT}:instance/{INST}", {"instance"}),
        (f"arn:aws:connect:*:{ACCT}:phone-number/*", {"phone-number", "wildcard-phone-number"}),
        (
            "arn:aws:connect:us-west-2:aws:view/*",
            {"aws-managed-view", "qualified-aws-managed-view"},
        ),
        ("arn:aws:connect:us-west-2:*", None),  # every connect-namespace type (checked below)
        ("arn:aws:wisdom:*", {"ai-agent"}),
        ("arn:aws:app-integrations:*:*:application/*", {"application"}),
        ("arn:aws:appintegrations:*", set()),
        ("arn:aws:connect:us-west-2:111122223333:instance/", set()),
        ("Arn:aws:connect:*", set()),  # case-sensitive
    ],
)
def test_connect_pattern_could_match(
    catalog: ServiceCatalog, pattern: str, expected: set[str] | None
) -> None:
    found = _names(catalog, "connect", "pattern", pattern)
    if expected is None:
        expected = {
            t.name for t in catalog.resource_types("connect") if t.arn_namespace == "connect"
        }
    assert found == expected


def test_seed_2_wrong_namespace_matches_no_app_integrations_type(catalog: ServiceCatalog) -> None:
    wrong = "arn:aws:appintegrations:*:*:event-integration/MyNamePrefix-*"
    assert _names(catalog, "app-integrations", "pattern", wrong) == set()
    right = wrong.replace("appintegrations", "app-integrations")
    # `event-integration/MyNamePrefix-*` cannot reach `event-integration-association/...`
    assert _names(catalog, "app-integrations", "pattern", right) == {"event-integration"}


def test_seed_7_domain_without_trailing_star(catalog: ServiceCatalog) -> None:
    domain = f"arn:aws:profile:us-west-2:{ACCT}:domains/d"
    assert _names(catalog, "profile", "pattern", domain) == {"domains"}
    subs = _names(catalog, "profile", "pattern", domain + "/*")
    assert "domains" not in subs and "object-types" in subs
    assert _names(catalog, "profile", "matches", domain + "/object-types/t") == {"object-types"}


def test_star_matches_every_type(catalog: ServiceCatalog) -> None:
    for service in ("connect", "app-integrations", "profile", "s3", "dms", "backup"):
        assert all(t.pattern_could_match("*") for t in catalog.resource_types(service))
        assert not any(t.pattern_could_match("") for t in catalog.resource_types(service))


def test_pattern_and_matches_agree_on_concrete_arns(catalog: ServiceCatalog) -> None:
    """A wildcard-free pattern could match a type exactly when it is an ARN of that type."""
    arns = [
        f"{PREFIX}/agent/u1",
        f"{PREFIX}/contact/c1",
        f"{PREFIX}/queue/*",
        f"{PREFIX}/view/v1:2",
        f"arn:aws:connect:us-west-2:{ACCT}:phone-number/p",
        f"arn:aws:wisdom:us-west-2:{ACCT}:ai-agent/a/b:1",
    ]
    for arn in arns:
        for info in catalog.resource_types("connect"):
            if "?" not in arn and "*" not in arn:
                assert info.pattern_could_match(arn) == info.matches(arn), (arn, info.name)
