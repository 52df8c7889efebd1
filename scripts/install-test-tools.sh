#!/usr/bin/env bash
# What `npm test` needs besides node_modules, installed only when missing: cfn-lint (PyPI) for the
# template lint, and the review tests' actionlint, chromium and jq (scripts/review/install-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cfn-lint >/dev/null || python3 -m pip install --quiet --disable-pip-version-check cfn-lint
echo "cfn-lint: $(command -v cfn-lint) ($(cfn-lint --version))"
bash scripts/review/install-tools.sh
