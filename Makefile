# Every target creates its own virtual environment, so a fresh machine with python3 + pip works.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/connect-iam: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(BIN)/connect-iam
	$(BIN)/connect-iam test examples/seed-suite.yaml
	$(BIN)/connect-iam simulate --policy examples/policies/fixed/03-allow-create-user-deny-security-profile.json \
	    --action connect:CreateUser \
	    --resource arn:aws:connect:us-west-2:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc17/agent/new \
	    --resource arn:aws:connect:us-west-2:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc17/security-profile/11dtcggg1-123e-111e-93e3-11111bfbfcc17 \
	    --resource arn:aws:connect:us-west-2:123456789012:instance/00fbeee1-123e-111e-93e3-11111bfbfcc17/routing-profile/rp1
	-$(BIN)/connect-iam validate examples/policies/

test: $(BIN)/connect-iam
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: $(BIN)/connect-iam
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/bench_simulate.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_analyze.py

clean:
	rm -rf $(VENV) build *.egg-info
