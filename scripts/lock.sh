#!/usr/bin/env bash
# Refresh requirements/lock.txt: every package the application, its tests and its bundle install,
# with exact versions and SHA-256 hashes, resolved from pyproject.toml. Run after changing a
# dependency in pyproject.toml, then commit the lock with the change. pip-tools runs from a
# throw-away environment so that it never enters the lock itself.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
"$PYTHON" -m venv "$tools"
"$tools/bin/python" -m pip install --quiet pip-tools
"$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
  --extra test --extra bundle \
  --no-emit-find-links --no-emit-index-url --no-emit-trusted-host \
  --output-file requirements/lock.txt pyproject.toml
echo "lock: requirements/lock.txt refreshed; review its diff before committing"
