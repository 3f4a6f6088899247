"""The checks a case passes before the rules run: every problem names its field (clinical-rules §2,
§4, §5a, §8, §9, §10; case-format). A mixin of the engine's evaluation, which holds the case, the
protocol, the zone and "now"; kept apart from :mod:`.engine` so that the engine reads as the rules.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from . import notation, wording
from .case import NASAL_CANNULAS, Case
from .eligibility import input_problems as eligibility_input_problems
from .errors import Problem
from .icans import tool_for
from .protocol import Protocol
from .temperature import Reading, to_celsius
from .timeutil import completed_years, instant, local_date
from .validation import clipped


class CaseChecks:
    """``_validate`` fills ``problems`` and returns the temperatures in °C; the rest are its parts."""

    case: Case
    p: Protocol
    now: datetime
    latest_allowed: datetime
    problems: list[Problem]
    _tools: dict

    def _future(self, field: str, at: datetime) -> None:
        """Every entry later than now + 5 minutes is an input error (rules §2 rev 2)."""
        if at > self.latest_allowed:
            self._too_late(field, at)

    def _too_late(self, field: str, at: datetime) -> None:
        """In the ward's words (issue 14 §3): ``30 Nov 22:00 is in the future; the latest allowed
        is 5 minutes from now (30 Nov 20:26)``, times in the case's zone."""
        tolerance = self.p.temperature.future_tolerance_min
        self.problems.append(Problem(field, (
                f"{notation.day_time(self.local(at))} is in the future; the latest allowed is"
                f" {tolerance} {'minute' if tolerance == 1 else 'minutes'} from now"
                f" ({notation.day_time(self.local(self.latest_allowed))})")))

    def _validate(self) -> list[Reading]:
        c, p = self.case, self.p
        readings = []
        t_min, t_max = p.temperature.plausible_min_c, p.temperature.plausible_max_c
        latest = self.latest_allowed
        for i, t in enumerate(c.temperatures):
            temp_c = to_celsius(t.value, t.unit, p.temperature)
            if t.at > latest:
                self._too_late(f"temperatures[{i}].at", t.at)
            if not t_min <= temp_c <= t_max:
                shown = f"{clipped(notation.plain_number(t.value))} °{t.unit}"
                if t.unit == "F":
                    shown += f" ({notation.celsius(temp_c)})"
                self.problems.append(Problem(f"temperatures[{i}].value",
                    f"{shown} is outside {notation.plain_number(t_min)}–{notation.plain_number(t_max)} °C"))
            readings.append(Reading(t.at, temp_c, i))
        w_min, w_max = p.weight.plausible_min_kg, p.weight.plausible_max_kg
        weighed: dict[datetime, Decimal] = {}
        for i, w in enumerate(c.weights):
            if not w_min <= w.kg <= w_max:
                self.problems.append(Problem(f"weights[{i}].kg",
                    f"{clipped(notation.kg(w.kg))} is outside {notation.plain_number(w_min)}–{notation.kg(w_max)}"))
            self._future(f"weights[{i}].at", w.at)
            other = weighed.setdefault(instant(w.at), w.kg)
            if other != w.kg:  # §4 doses from "the most recent weight": two at one instant leave it to list order
                self.problems.append(Problem(f"weights[{i}].at",
                    f"{notation.kg(other)} is already recorded at {notation.day_time(self.local(w.at))};"
                    " two different weights at the same time leave the dose undecided: correct the wrong one"))
        for i, a in enumerate(c.assessments):
            self._future(f"assessments[{i}].at", a.at)
            self._validate_crs(i, a)
            self._validate_icans(i, a)
        self._validate_medications()
        for i, e in enumerate(c.escalations):
            self._future(f"escalations[{i}].at", e.at)
        for i, r in enumerate(c.restarts):
            self._future(f"restarts[{i}].at", r.at)
        self._validate_outcomes()
        dob = c.patient.date_of_birth
        if dob is not None and dob > local_date(self.now, self.tz):
            self.problems.append(Problem("patient.date_of_birth",
                                         f"the date of birth {wording.full_date(dob)} is in the future"))
        elif dob is not None and c.eligibility is not None and dob > c.eligibility.assessed_on:
            self.problems.append(Problem("patient.date_of_birth",
                                         f"the date of birth {wording.full_date(dob)} is after the eligibility"
                                         f" assessment (eligibility.assessed_on, {wording.full_date(c.eligibility.assessed_on)})"))
        if c.eligibility is not None:
            self._validate_eligibility()
        return readings

    def _validate_medications(self) -> None:
        """Recorded amounts are facts, kept even when wrong; only an amount no one could have typed
        on purpose is refused (rules §4 rev 2). Two anakinra doses at one instant: one is a duplicate."""
        guards = self.p.medications.max_recordable_mg
        anakinra_at: dict[datetime, int] = {}
        for i, m in enumerate(self.case.medications):
            self._future(f"medications[{i}].at", m.at)
            field = f"medications[{i}].dose_mg"
            if m.dose_mg is not None and m.dose_mg <= 0:
                self.problems.append(Problem(field, "must be more than 0 mg"))
            elif m.dose_mg is not None and m.dose_mg > guards[m.drug]:
                self.problems.append(Problem(field, f"{clipped(notation.mg(m.dose_mg))} of {m.drug} is more than can be"
                                                    f" recorded ({notation.mg(guards[m.drug])}): check the amount typed"))
            if m.for_line is not None and m.drug != self.p.dose.drug:
                self.problems.append(Problem(f"medications[{i}].for_line",
                                             f"only {self.p.dose.drug} doses are given for a schedule line"))
            if m.drug == self.p.dose.drug:
                other = anakinra_at.setdefault(instant(m.at), i)
                if other != i:
                    self.problems.append(Problem(f"medications[{i}].at",
                        f"medications[{other}] records {m.drug} at the same time"
                        f" ({notation.day_time(self.local(m.at))}): one is a duplicate"))

    def _validate_outcomes(self) -> None:
        """Held, refused or omitted: who, when and why, once per line (rules §5a rev 2)."""
        seen: dict[int, int] = {}
        for i, o in enumerate(self.case.dose_outcomes):
            self._future(f"dose_outcomes[{i}].at", o.at)
            for name in ("by", "reason"):
                if not getattr(o, name).strip():
                    self.problems.append(Problem(f"dose_outcomes[{i}].{name}", f"required ({o.outcome}: who and why)"))
            other = seen.setdefault(o.line, i)
            if other != i:
                self.problems.append(Problem(f"dose_outcomes[{i}].line",
                                             f"line {o.line} already has an outcome (dose_outcomes[{other}])"))

    def _validate_crs(self, i: int, a) -> None:
        crs = a.crs
        if crs is None:
            return
        flow, field = crs.oxygen_flow_l_min, f"assessments[{i}].crs.oxygen_flow_l_min"
        if crs.oxygen_device in NASAL_CANNULAS and flow is None:
            self.problems.append(Problem(field, f"required for {crs.oxygen_device.replace('_', ' ')}"
                                                " (flow in L/min decides low- or high-flow oxygen)"))
        if flow is not None and not 0 < flow <= self.p.crs.plausible_max_flow_l_min:
            self.problems.append(Problem(field, f"{clipped(notation.plain_number(flow))} L/min is outside"
                                                f" 0–{notation.plain_number(self.p.crs.plausible_max_flow_l_min)} L/min"))

    def _validate_icans(self, i: int, a) -> None:
        icans, rules, base = a.icans, self.p.icans, f"assessments[{i}].icans"
        if icans is None:
            return
        if icans.ice_score is not None and icans.ice_score > rules.ice_max:
            self.problems.append(Problem(f"{base}.ice_score", f"{icans.ice_score} is outside 0–{rules.ice_max}"))
        if icans.capd_score is not None and icans.capd_score > rules.capd_max:
            self.problems.append(Problem(f"{base}.capd_score", f"{icans.capd_score} is outside 0–{rules.capd_max}"))
        tool = icans.tool or self._default_tool(a.at)
        if tool == "ice" and icans.unable_to_perform and not icans.sedated and icans.consciousness != "unarousable":
            # rules §9 rev 2: for ICE, unable to perform means unarousable (grade 4)
            shown = icans.consciousness.replace("_", " ")
            self.problems.append(Problem(f"{base}.unable_to_perform",
                f"'unable to perform' the ICE means unarousable, but consciousness is '{shown}': an awake"
                " patient who cannot answer (e.g. global aphasia) scores ICE 0"))
            self.problems.append(Problem(f"{base}.consciousness",
                f"'{shown}' does not go with 'unable to perform' the ICE: enter unarousable, or the ICE score"))
        if tool is None:
            self.problems.append(Problem("patient.date_of_birth",
                f"required to choose the ICANS tool for {base} (or give icans.tool)"))
            return
        score = icans.ice_score if tool == "ice" else icans.capd_score
        if score is None and not (icans.unable_to_perform or icans.sedated):
            years = rules.ice_min_age_years
            why = (f"patient {years} years or older" if tool == "ice" else
                   f"patient under {years} years or with developmental delay")
            self.problems.append(Problem(f"{base}.{tool}_score",
                f"required for the {tool.upper()} tool ({why if icans.tool is None else 'chosen tool'})"
                " unless the patient is unable to perform it or sedated; a missing score is not a zero"))

    def _validate_eligibility(self) -> None:
        # rules §10 rev 2: the checks live beside the rules (dlco_pct may now be "not_done"), so
        # the eligibility window applies the same ones as they are typed
        self.problems.extend(eligibility_input_problems(self.case.eligibility, self.p.eligibility))

    def _default_tool(self, at: datetime) -> str | None:
        """The ICANS tool for age and development on the assessment's local date (§9)."""
        on = local_date(at, self.tz)
        if on not in self._tools:
            patient = self.case.patient
            dob = patient.date_of_birth
            age = completed_years(dob, on) if dob else None
            self._tools[on] = tool_for(age, patient.developmental_delay, self.p.icans)
        return self._tools[on]
