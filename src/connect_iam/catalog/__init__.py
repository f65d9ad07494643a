"""Offline Service Authorization Reference: actions, resource types, condition keys.

Importing this package reads no data file; `get_catalog()` loads lazily (see service_catalog).
"""

from connect_iam.catalog.global_keys import GLOBAL_CONDITION_KEYS, GlobalKey
from connect_iam.catalog.service_catalog import (
    ActionInfo,
    ActionResource,
    ConditionKeyInfo,
    ResourceTypeInfo,
    ServiceCatalog,
    get_catalog,
)
from connect_iam.catalog.suggest import suggest_action, suggest_condition_key, suggest_service

__all__ = [
    "GLOBAL_CONDITION_KEYS",
    "ActionInfo",
    "ActionResource",
    "ConditionKeyInfo",
    "GlobalKey",
    "ResourceTypeInfo",
    "ServiceCatalog",
    "get_catalog",
    "suggest_action",
    "suggest_condition_key",
    "suggest_service",
]
