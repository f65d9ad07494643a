"""`connect-iam simulate` through `main([...])`: flags, --input, --batch, and every bad input.

The contract (issue #2 items 6 and 9): exit 0 when it ran, 1 on an input error, 2 on a usage error;
every bad input gets a clear message with its position and never a traceback; a bad line in
`--batch` yields an error object on that line and the run goes on.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from connect_iam import simulate_custom_policy
from connect_iam.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "policies"
SEED03 = SEEDS / "03-allow-create-user-deny-security-profile.json"
SEED03_FIXED = SEEDS / "fixed" / "03-allow-create-user-deny-security-profile.json"
SEED01 = SEEDS / "01-deny-delete-and-update-users.json"
INST17 = "arn:aws:connect:us-west-2:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc17"
DENIED_SP = f"{INST17}/security-profile/11dtcggg1-123e-111e-93e3-11111bfbfcc17"
CREATE_USER_ARNS = [f"{INST17}/agent/new", DENIED_SP, f"{INST17}/routing-profile/rp1"]
ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


def _resources(arns: list[str]) -> list[str]:
    return [arg for arn in arns for arg in ("--resource", arn)]


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), "utf-8"))


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- flags -----------------------------------------------------------------------------------------


def test_human_output_shows_the_deciding_deny_with_its_source_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """connect-model.md §3 seed_3 row 1: CreateUser on [user, denied SP, RP] is an explicit deny;
    the human output names the Deny like a compiler error, then shows its lines (issue item 5)."""
    code = main(
        [
            "simulate",
            "--policy",
            str(SEED03_FIXED),
            "--action",
            "connect:CreateUser",
            *_resources(CREATE_USER_ARNS),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("connect:CreateUser  EXPLICIT DENY\n")
    assert f"{SEED03_FIXED}:11:9: Deny statement 1" in out
    assert '16 |             "Resource": "arn:aws:connect:us-west-2:123456789012' in out
    assert f"{SEED03_FIXED}:4:9: Allow statement 0" in out  # the other resources are allowed


def test_plain_output_is_sentences_without_excerpts(capsys: pytest.CaptureFixture[str]) -> None:
    """The screen-reader variant says the same facts with no gutters (STYLE row 12)."""
    code = main(
        [
            "simulate",
            "--plain",
            "--policy",
            str(SEED03_FIXED),
            "--action",
            "connect:CreateUser",
            *_resources(CREATE_USER_ARNS),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Action connect:CreateUser: explicit deny." in out
    assert f"Decided by Deny statement 1 in {SEED03_FIXED}, line 11, column 9." in out
    assert " | " not in out


def test_json_output_is_exactly_the_python_api_response(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's JSON is `simulate_custom_policy(**params)` (issue item 6: mirror AWS)."""
    context = "aws:MultiFactorAuthPresent=true:boolean"
    code = main(
        [
            *("simulate", "--format", "json", "--policy", str(SEED03_FIXED)),
            *("--action", "connect:CreateUser", "--action", "connect:DeleteUser"),
            *("--context", context, *_resources(CREATE_USER_ARNS)),
        ]
    )
    assert code == 0
    expected = simulate_custom_policy(
        PolicyInputList=[SEED03_FIXED.read_text()],
        ActionNames=["connect:CreateUser", "connect:DeleteUser"],
        ResourceArns=CREATE_USER_ARNS,
        ContextEntries=[
            {
                "ContextKeyName": "aws:MultiFactorAuthPresent",
                "ContextKeyValues": ["true"],
                "ContextKeyType": "boolean",
            }
        ],
    )
    assert json.loads(capsys.readouterr().out) == expected


@pytest.mark.parametrize(
    ("flag", "entry"),
    [
        ("k=v", ("k", ["v"], "string")),
        ("k=a,b", ("k", ["a", "b"], "stringList")),
        ("k=5:numeric", ("k", ["5"], "numeric")),
        ("k=5,6:numeric", ("k", ["5", "6"], "numericList")),
        ("aws:SourceArn=arn:aws:s3:::b", ("aws:SourceArn", ["arn:aws:s3:::b"], "string")),
        (
            "aws:CurrentTime=2024-01-01T10:00:00Z:date",
            ("aws:CurrentTime", ["2024-01-01T10:00:00Z"], "date"),
        ),
        ("k=", ("k", [], "string")),
    ],
)
def test_context_flag_syntax(flag: str, entry: tuple[str, list[str], str]) -> None:
    """`KEY=VALUE[,VALUE...][:TYPE]`: a suffix is a type only when it names one, so ARNs and times
    keep their colons; several values take the List type (AWS rejects them for a scalar type)."""
    from connect_iam.cli.simulate import parse_context

    name, values, key_type = entry
    assert parse_context(flag) == {
        "ContextKeyName": name,
        "ContextKeyValues": values,
        "ContextKeyType": key_type,
    }


def test_scp_levels_deny_is_shown_with_its_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each `--scp` is one organization level; a Deny in any level wins (IAM: SCP evaluation)."""
    scp_allow = _write(tmp_path / "root.json", ALLOW_ALL)
    scp_deny = _write(
        tmp_path / "ou.json",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},'
        '{"Effect":"Deny","Action":"connect:DeleteUser","Resource":"*"}]}',
    )
    policy = _write(tmp_path / "id.json", ALLOW_ALL)
    args = ["simulate", "--policy", policy, "--scp", scp_allow, "--scp", scp_deny]
    code = main([*args, "--action", "connect:DeleteUser", "--format", "json"])
    response = json.loads(capsys.readouterr().out)
    assert code == 0
    result = response["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert result["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert main([*args, "--action", "connect:DeleteUser"]) == 0
    out = capsys.readouterr().out
    assert f"{scp_deny}:1:" in out and "[Service Control Policy]" in out


# -- --input ---------------------------------------------------------------------------------------


def test_input_file_and_stdin_give_the_same_response(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--input FILE` and `--input -` read one SimulateCustomPolicy request (issue item 6)."""
    request = {
        "PolicyInputList": [SEED01.read_text()],
        "ActionNames": ["connect:DeleteUser"],
        "ResourceArns": [
            "arn:aws:connect:us-east-1:123456789012:instance/"
            "00fbeee1-123e-111e-93e3-11111bfbfcc1/agent/u1"
        ],
    }
    path = _write(tmp_path / "request.json", json.dumps(request))
    assert main(["simulate", "--input", path, "--format", "json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    _stdin(monkeypatch, json.dumps(request))
    assert main(["simulate", "--input", "-", "--format", "json"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert from_file == from_stdin == simulate_custom_policy(**request)
    assert from_file["EvaluationResults"][0]["EvalDecision"] == "explicitDeny"


def test_input_merges_with_flag_policies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flags supply parameters the JSON request lacks (documented in the module docstring)."""
    path = _write(tmp_path / "r.json", '{"ActionNames": ["connect:CreateUser"]}')
    assert (
        main(["simulate", "--input", path, "--policy", str(SEED03_FIXED), "--format", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_a_parameter_given_by_flag_and_input_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Never a silent override: the same parameter twice is refused, naming it."""
    path = _write(tmp_path / "r.json", json.dumps({"ActionNames": ["connect:CreateUser"]}))
    code = main(["simulate", "--input", path, "--policy", str(SEED03_FIXED), "--action", "a:b"])
    assert code == 1
    assert "`ActionNames` given both by flags and by the request" in capsys.readouterr().err


# -- bad input (issue item 9) ----------------------------------------------------------------------


def test_malformed_json_input_names_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "bad.json", '{\n  "ActionNames": ["a:b"]\n  "x": 1\n}')
    assert main(["simulate", "--input", path]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3:3: invalid JSON: Expecting ',' delimiter" in err
    assert "Traceback" not in err


def test_invalid_policy_prints_every_problem_with_position_and_caret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The seed's 03 (trailing commas) is rejected naming line 9 and line 16 (issue item 2)."""
    assert main(["simulate", "--policy", str(SEED03), "--action", "connect:CreateUser"]) == 1
    err = capsys.readouterr().err
    assert f"{SEED03}:9:28: trailing comma before `}}`" in err
    assert f"{SEED03}:16:" in err
    assert '9 |             "Resource": "*",' in err
    assert "^" in err


def test_invalid_policy_inside_input_json_is_positioned_in_that_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = {
        "PolicyInputList": [ALLOW_ALL, '{"Version": "2012-10-17",\n "Statement": 5}'],
        "ActionNames": ["connect:CreateUser"],
    }
    path = _write(tmp_path / "r.json", json.dumps(request))
    assert main(["simulate", "--input", path]) == 1
    err = capsys.readouterr().err
    assert err.startswith("PolicyInputList.2:2:")


def test_malformed_arn_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "simulate",
            "--policy",
            str(SEED01),
            "--action",
            "connect:DeleteUser",
            "--resource",
            "not-an-arn",
        ]
    )
    assert code == 1
    assert "`not-an-arn` is not an ARN" in capsys.readouterr().err


def test_unreal_but_well_formed_arn_is_evaluated_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Strict about structure, literal about content (issue item 9): `accountID` is not refused."""
    arn = "arn:aws:connect:us-west-2:accountID:instance/instanceId/contact/c1"
    code = main(
        [
            "simulate",
            "--policy",
            str(SEEDS / "04-allow-contact-recording.json"),
            "--action",
            "connect:StartContactRecording",
            "--resource",
            arn,
        ]
    )
    assert code == 0
    assert "connect:StartContactRecording  ALLOWED" in capsys.readouterr().out


def test_context_value_of_the_wrong_type(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "simulate",
            "--policy",
            str(SEED01),
            "--action",
            "connect:DeleteUser",
            "--context",
            "aws:CurrentTime=yesterday:date",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "value `yesterday` is not a valid date" in err


def test_a_one_megabyte_policy_is_refused_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IAM's policy limit is 131,072 characters; the file is not even read past it."""
    big = '{"Version":"2012-10-17","Statement":[' + " " * (1 << 20) + "]}"
    path = _write(tmp_path / "big.json", big)
    assert main(["simulate", "--policy", path, "--action", "connect:DeleteUser"]) == 1
    assert f"{path}: the policy is longer than 131,072 characters" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8"])
def test_unreadable_policy_file(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "not-utf8":
        path.write_bytes(b'{"Version": "\xff"}')
    code = main(["simulate", "--policy", str(path), "--action", "connect:DeleteUser"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"connect-iam: error: {path}: ")
    assert "Traceback" not in err


def test_unreadable_input_and_batch_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--input", "/nonexistent/r.json"]) == 1
    assert "cannot read the request" in capsys.readouterr().err
    assert main(["simulate", "--batch", "/nonexistent/r.jsonl"]) == 1
    assert "cannot read the batch" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--no-such-flag"],
        ["simulate", "--action", "connect:DeleteUser"],  # no policy, no --input
        ["simulate", "--policy", "p.json"],  # no action
        ["simulate", "--input", "a", "--batch", "b"],
        ["simulate", "--batch", "b", "--format", "human"],
        ["simulate", "--policy", "p.json", "--action", "a:b", "--context", "novalue"],
        ["simulate", "--policy", "p.json", "--action", "a:b", "--shape", "sideways"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    assert "usage:" in capsys.readouterr().err


# -- --batch ---------------------------------------------------------------------------------------


def _line(i: int) -> str:
    arn = f"{INST17}/security-profile/sp{i}" if i % 3 else DENIED_SP
    return json.dumps(
        {
            "ActionNames": ["connect:CreateUser"],
            "ResourceArns": [f"{INST17}/agent/u{i}", arn, f"{INST17}/routing-profile/rp1"],
        }
    )


BAD_LINES: dict[int, tuple[str, str]] = {
    10: ("{not json", "line 10, column 2: invalid JSON"),
    20: ("", "line 20: empty line"),
    30: ("   ", "line 30: empty line"),
    40: (
        json.dumps({"ActionNames": ["connect:CreateUser"], "ResourceArns": ["nope"]}),
        "line 40: `nope` is not an ARN",
    ),
    50: (
        json.dumps(
            {
                "ActionNames": ["connect:CreateUser"],
                "ContextEntries": [
                    {
                        "ContextKeyName": "aws:EpochTime",
                        "ContextKeyValues": ["soon"],
                        "ContextKeyType": "numeric",
                    }
                ],
            }
        ),
        "value `soon` is not a valid numeric",
    ),
    60: ("[1, 2]", "line 60: expected a JSON object"),
    70: (
        json.dumps({"ActionNames": ["connect:CreateUser"], "PolicyInputList": [ALLOW_ALL]}),
        "`PolicyInputList` given both by flags and by the request",
    ),
    80: (json.dumps({"Bogus": 1, "ActionNames": ["a:b"]}), "unknown parameter `Bogus`"),
}


def _batch_text(count: int) -> str:
    lines = [BAD_LINES[i][0] if i in BAD_LINES else _line(i) for i in range(1, count + 1)]
    return "\n".join(lines) + "\n"


def _check_batch(out: str, count: int) -> None:
    responses = [json.loads(line) for line in out.splitlines()]
    assert len(responses) == count
    for i, response in enumerate(responses, 1):
        if i in BAD_LINES:
            error = response["Error"]
            assert error["Code"] == "InvalidInput"
            assert error["Message"].startswith(f"line {i}")
            assert BAD_LINES[i][1] in error["Message"]
            continue
        result = response["EvaluationResults"][0]
        # order kept: line i names user u{i}; every third line names the denied profile
        assert result["ResourceSpecificResults"][0]["EvalResourceName"].endswith(f"/agent/u{i}")
        assert result["EvalDecision"] == ("allowed" if i % 3 else "explicitDeny")


def test_batch_of_1000_lines_with_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Error objects on exactly the bad lines, every other line decided, order kept; exit 1."""
    path = _write(tmp_path / "batch.jsonl", _batch_text(1000))
    assert main(["simulate", "--batch", path, "--policy", str(SEED03_FIXED)]) == 1
    _check_batch(capsys.readouterr().out, 1000)


def test_batch_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, _batch_text(100))
    assert main(["simulate", "--batch", "-", "--policy", str(SEED03_FIXED)]) == 1
    _check_batch(capsys.readouterr().out, 100)


def test_batch_all_good_exits_0_and_compiles_the_policy_set_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Identical policy sets are compiled once (issue item 6), also when lines carry them."""
    import connect_iam.evaluator.simulator as simulator

    calls = 0
    original = simulator.policy_set_from_params

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(simulator, "policy_set_from_params", counting)
    text = SEED03_FIXED.read_text()
    lines = [json.dumps({"PolicyInputList": [text], **json.loads(_line(i))}) for i in range(1, 301)]
    path = _write(tmp_path / "b.jsonl", "\n".join(lines) + "\n")
    assert main(["simulate", "--batch", path]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 300
    assert calls == 1


def test_batch_non_utf8_line_is_an_error_on_that_line_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.jsonl"
    path.write_bytes(_line(1).encode() + b"\n\xff\xfe\n" + _line(3).encode() + b"\n")
    assert main(["simulate", "--batch", str(path), "--policy", str(SEED03_FIXED)]) == 1
    responses = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "EvaluationResults" in responses[0] and "EvaluationResults" in responses[2]
    assert responses[1]["Error"]["Message"] == "line 2: not UTF-8 text (byte 0)"


def test_batch_with_a_broken_flag_policy_fails_once_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken --policy is not a per-line problem: one positioned report, no output lines."""
    path = _write(tmp_path / "b.jsonl", _line(1) + "\n")
    assert main(["simulate", "--batch", path, "--policy", str(SEED03)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{SEED03}:9:28: trailing comma" in captured.err


def test_batch_line_with_a_broken_policy_reports_it_on_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = json.dumps(
        {"PolicyInputList": [SEED03.read_text()], "ActionNames": ["connect:CreateUser"]}
    )
    path = _write(tmp_path / "b.jsonl", bad + "\n" + bad + "\n")
    assert main(["simulate", "--batch", path]) == 1
    for number, line in enumerate(capsys.readouterr().out.splitlines(), 1):
        message = json.loads(line)["Error"]["Message"]
        assert message.startswith(f"line {number}: PolicyInputList.1: the policy is not valid")
        assert "line 9, column 28: trailing comma" in message
