"""Clinical numbers out of the UI (issue 14): the grading screen and the presenters read them from
the protocol, as the core does (tests/core/test_protocol.py walks the core the same way)."""

from __future__ import annotations

import ast
import re

import pytest

from tests.paths import ROOT

UI = ROOT / "pacer_desktop" / "ui"
#: Numbers that are not clinical: counting and grid places (0–3), the calendar's (60 minutes,
#: 24 hours, 12 months); presenters.age_text writes an age in months below 2 years (how an age
#: is written, not a rule).
ALLOWED = {"grading.py": {0, 1, 2, 3}, "presenters.py": {0, 1, 2, 12, 24, 60}}
#: Words on screen with digits that are no protocol number: example inputs, and a seizure
#: category's own definition (the protocol grades it by name); grade 0 is a grade's name.
ALLOWED_TEXT = {"grading.py": {"e.g. 38.7", "e.g. 23.4", "prolonged (> 5 min) or repetitive seizures"},
                "presenters.py": {"Stop rule: CRS and ICANS not yet resolved (both grade 0 and staying 0);"
                                  " anakinra continues. Then: "}}
#: Functions whose numbers are physics: °C → °F.
PHYSICS = {"grading.py": {"fahrenheit"}}
#: Module-level sizes of the layout (pixels, characters), named so: ``ENTRY_WIDTH_PX = 530``.
LAYOUT = re.compile(r"^[A-Z_]+_(PX|CHARS)$")
DIGITS = re.compile(r"(?<![\w.:{])\d+(?:\.\d+)?(?![\w}])")


def _skipped(tree: ast.Module, name: str) -> set[int]:
    """ids of the nodes not checked: docstrings, f-string format specs (``{t.hour:02d}``), the
    physics functions, and layout sizes."""
    skip: list[ast.AST] = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and body and \
                isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.append(body[0])
        if isinstance(node, ast.FormattedValue) and node.format_spec:
            skip.append(node.format_spec)
        if isinstance(node, ast.FunctionDef) and node.name in PHYSICS.get(name, ()):
            skip.append(node)
    for node in tree.body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and LAYOUT.match(t.id) for t in node.targets):
            skip.append(node)
    return {id(n) for root in skip for n in ast.walk(root)}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_no_clinical_numbers_in_the_grading_screen_or_presenters(name):
    tree = ast.parse((UI / name).read_text())
    skipped = _skipped(tree, name)
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in skipped:
            continue
        if type(node.value) in (int, float) and node.value not in ALLOWED[name]:
            offenders.append(f"{name}:{node.lineno}: {node.value}")
        elif isinstance(node.value, str) and node.value not in ALLOWED_TEXT.get(name, ()) \
                and DIGITS.search(node.value):
            offenders.append(f"{name}:{node.lineno}: {node.value!r}")
    assert offenders == []


#: Digits followed by a clinical unit in words on screen or paper (``every 6 hours``, ``400 mg``).
CLINICAL_WORDS = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:mg|mL|kg|h\b|hours?\b|days?\b|years?\b|%|°C|°F|L/min"
                            r"|min\b|minutes\b)")
#: Words with such digits that are no protocol number: a seizure category's own definition, and
#: how one year is written.
WORDS_ALLOWED = {"assessment_fields.py": {"prolonged (> 5 min) or repetitive seizures"}, "content.py": {"1 year"},
                 # bounds that are no protocol number: a percentage, and an amount above zero
                 "eligibility.py": {" % is outside 0–100 %"}, "checks.py": {"must be more than 0 mg"}}


@pytest.mark.parametrize("folder", ["ui", "reports", "core", "storage", "."])
def test_no_clinical_number_in_words_in_any_screen_or_document(folder):
    """Issue 15: protocol numbers out of the UI and the reports (rules: every number a protocol
    parameter). Every module of the package is walked for text such as "every 6 hours"."""
    offenders = []
    for path in sorted((ROOT / "pacer_desktop" / folder).glob("*.py")):
        tree = ast.parse(path.read_text())
        skipped = _skipped(tree, path.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in skipped and isinstance(node.value, str) \
                    and node.value not in WORDS_ALLOWED.get(path.name, ()) and CLINICAL_WORDS.search(node.value):
                offenders.append(f"{folder}/{path.name}:{node.lineno}: {node.value!r}")
    assert offenders == []
