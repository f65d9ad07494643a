"""Policies per second: connect-iam validate vs parliament, same corpus, same run.

Corpus: the AWS managed policies moto ships (`moto.iam.aws_managed_policies`), each serialized
with `json.dumps(indent=4)` once, before timing. Both tools get the same text. Each tool runs one
warm-up pass (catalog loading is not what we compare), then `--rounds` timed passes; the best pass
counts. Run: `python benchmarks/bench_validate.py` (needs the `test` extra; `bench` for parliament).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable


def _corpus() -> list[str]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    return [json.dumps(entry["Document"], indent=4) for _, entry in sorted(data.items())]


def _rate(run: Callable[[str], object], texts: list[str], rounds: int) -> float:
    for text in texts:  # warm-up
        run(text)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            run(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from connect_iam.validator import validate

    texts = _corpus()
    print(f"corpus: {len(texts)} AWS managed policies (moto), {sum(map(len, texts)):,} characters")
    ours = _rate(lambda text: validate(text).findings, texts, args.rounds)
    print(f"connect-iam validate: {ours:,.0f} policies/s")
    try:
        import parliament
    except ImportError:
        print("parliament not installed (pip install 'connect-iam[bench]')")
        return

    crashed: set[int] = set()

    def run_parliament(text: str) -> object:
        try:
            return parliament.analyze_policy_string(text).findings
        except Exception:  # parliament raises on data it does not know (e.g. ArrayOfARN keys)
            crashed.add(hash(text))
            return None

    theirs = _rate(run_parliament, texts, args.rounds)
    print(
        f"parliament {getattr(parliament, '__version__', '?')}: {theirs:,.0f} policies/s "
        f"({len(crashed)} policies raised an exception inside parliament)"
    )
    print(f"ratio connect-iam / parliament: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
