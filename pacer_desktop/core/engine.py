"""``evaluate``: one case in, one result out, every rule of clinical-rules §1–§10.

Pure: the caller fills in ``now`` and ``timezone`` (:meth:`Case.with_defaults`); nothing here
reads a clock or a file.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import __version__
from . import notation
from .case import NASAL_CANNULAS, Case
from .crs import grade_crs
from .dose import DoseWorking, WeightEntry, WeightHistory, calculate_dose, weight_warnings
from .eligibility import evaluate_eligibility
from .errors import CaseError, Problem
from .icans import grade_icans, tool_for
from .protocol import Protocol
from .result import (AssessmentResult, CriterionResult, DailyMax, Dose, DueDose, EligibilityResult,
                     FeverReading, Result)
from .schedule import build_schedule, stop_time
from .temperature import PersistentFever, Reading, find_persistent_fever, to_celsius
from .timeutil import completed_years, hours, instant, local_date, post_infusion_day


def resolve_zone(name: str | None) -> ZoneInfo:
    """The case's zone; only names :func:`.timeutil.check_zone_name` accepts (case-format rev 2)."""
    from .timeutil import check_zone_name  # here, so that this change stays inside this function
    problem = check_zone_name(name)
    if problem is None:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # listed, yet unreadable here
            problem = f"{name!r} cannot be read as a time zone on this computer ({exc})"
    raise CaseError([Problem("timezone", problem)]) from None


def evaluate(case: Case, protocol: Protocol, *, bedside: bool = False, horizon_h: int | None = None) -> Result:
    """Evaluate a case under a protocol. Raises :class:`CaseError` for invalid input.

    Only temperatures later than now + 5 minutes are refused (rules §2); other entries after
    ``now`` are allowed in a case file and simply not yet counted where the rules say "at or
    before now" (§4 dose, §7 alerts). ``bedside=True`` refuses every entry later than now + 5
    minutes, as the window and storage do: at the bedside a future time is a typing error.
    ``horizon_h`` lists doses further ahead than the protocol's now + 24 h while there is no stop
    time (the 72-hour downtime record); it changes no rule.
    """
    if case.now is None or case.timezone is None:
        raise ValueError("evaluate needs now and timezone: call Case.with_defaults first")
    if case.protocol not in (None, protocol.id):
        raise CaseError([Problem("protocol", f"{case.protocol!r} is not the loaded protocol {protocol.id!r}")])
    tz = resolve_zone(case.timezone)
    return _Evaluation(case, protocol, tz, bedside, horizon_h).run()


class _Evaluation:
    """One evaluation's working state; built and thrown away inside :func:`evaluate`."""

    def __init__(self, case: Case, protocol: Protocol, tz: ZoneInfo, bedside: bool = False,
                 horizon_h: int | None = None) -> None:
        self.case, self.p, self.tz, self.bedside = case, protocol, tz, bedside
        self.horizon = hours(max(horizon_h or 0, protocol.schedule.horizon_without_stop_h))
        self.now: datetime = case.now
        self.problems: list[Problem] = []
        self.latest_allowed = self.now + timedelta(minutes=protocol.temperature.future_tolerance_min)
        self._tools: dict = {}

    def local(self, at: datetime | None) -> datetime | None:
        return None if at is None else at.astimezone(self.tz)

    # ---- validation (clinical-rules §2, §4, §5, §8, §9) ---------------------------------
    def _future(self, field: str, at: datetime) -> None:
        """Entries other than temperatures: refused after now + 5 min only at the bedside."""
        if self.bedside and at > self.latest_allowed:
            self._too_late(field, at)

    def _too_late(self, field: str, at: datetime) -> None:
        self.problems.append(Problem(field, (
                f"{self.local(at).isoformat(timespec='minutes')} is later than now"
                f" ({self.local(self.now).isoformat(timespec='minutes')})"
                f" + {self.p.temperature.future_tolerance_min} minutes")))

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
                shown = f"{notation.plain_number(t.value)} °{t.unit}"
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
                    f"{notation.kg(w.kg)} is outside {notation.plain_number(w_min)}–{notation.kg(w_max)}"))
            self._future(f"weights[{i}].at", w.at)
            other = weighed.setdefault(instant(w.at), w.kg)
            if other != w.kg:  # §4 doses from "the most recent weight": two at one instant leave it to list order
                self.problems.append(Problem(f"weights[{i}].at",
                    f"{notation.kg(other)} is already recorded at {self.local(w.at).isoformat(timespec='minutes')};"
                    " two different weights at the same time leave the dose undecided: correct the wrong one"))
        for i, a in enumerate(c.assessments):
            self._future(f"assessments[{i}].at", a.at)
            self._validate_crs(i, a)
            self._validate_icans(i, a)
        for i, m in enumerate(c.medications):
            self._future(f"medications[{i}].at", m.at)
            if m.dose_mg is not None and m.dose_mg <= 0:
                self.problems.append(Problem(f"medications[{i}].dose_mg", "must be more than 0 mg"))
        for i, e in enumerate(c.escalations):
            self._future(f"escalations[{i}].at", e.at)
        dob = c.patient.date_of_birth
        if dob is not None and dob > local_date(self.now, self.tz):
            self.problems.append(Problem("patient.date_of_birth", f"{dob.isoformat()} is in the future"))
        if c.eligibility is not None:
            self._validate_eligibility()
        return readings

    def _validate_crs(self, i: int, a) -> None:
        crs = a.crs
        if crs is None:
            return
        flow, field = crs.oxygen_flow_l_min, f"assessments[{i}].crs.oxygen_flow_l_min"
        if crs.oxygen_device in NASAL_CANNULAS and flow is None:
            self.problems.append(Problem(field, f"required for {crs.oxygen_device.replace('_', ' ')}"
                                                " (flow in L/min decides low- or high-flow oxygen)"))
        if flow is not None and not 0 < flow <= self.p.crs.plausible_max_flow_l_min:
            self.problems.append(Problem(field, f"{notation.plain_number(flow)} L/min is outside"
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
        if tool is None:
            self.problems.append(Problem("patient.date_of_birth",
                f"required to choose the ICANS tool for {base} (or give icans.tool)"))
            return
        score = icans.ice_score if tool == "ice" else icans.capd_score
        if score is None and not (icans.unable_to_perform or icans.sedated):
            why = ("patient 12 years or older" if tool == "ice" else
                   "patient under 12 years or with developmental delay")
            self.problems.append(Problem(f"{base}.{tool}_score",
                f"required for the {tool.upper()} tool ({why if icans.tool is None else 'chosen tool'})"
                " unless the patient is unable to perform it or sedated; a missing score is not a zero"))

    def _validate_eligibility(self) -> None:
        e = self.case.eligibility
        percent_fields = ("spo2_room_air_pct", "dlco_pct", "lv_shortening_fraction_pct",
                          "ejection_fraction_pct", "marrow_blasts_pct")
        for name in percent_fields:
            value = getattr(e, name)
            if value is not None and not 0 <= value <= 100:
                self.problems.append(Problem(f"eligibility.{name}", f"{notation.plain_number(value)} % is outside 0–100 %"))
        for name, unit in (("alt_u_l", "U/L"), ("bilirubin_mg_dl", "mg/dL"), ("creatinine_mg_dl", "mg/dL")):
            value = getattr(e, name)
            if value is not None and value < 0:
                self.problems.append(Problem(f"eligibility.{name}", f"{notation.plain_number(value)} {unit} is below 0"))
        top = self.p.eligibility.dyspnea_highest_grade
        if e.dyspnea_grade is not None and e.dyspnea_grade > top:
            self.problems.append(Problem("eligibility.dyspnea_grade", f"{e.dyspnea_grade} is outside grades 0–{top}"))

    def _default_tool(self, at: datetime) -> str | None:
        """The ICANS tool for age and development on the assessment's local date (§9)."""
        on = local_date(at, self.tz)
        if on not in self._tools:
            patient = self.case.patient
            dob = patient.date_of_birth
            age = completed_years(dob, on) if dob else None
            self._tools[on] = tool_for(age, patient.developmental_delay, self.p.icans)
        return self._tools[on]

    # ---- the rules ---------------------------------------------------------------------
    def run(self) -> Result:
        c, p = self.case, self.p
        readings = self._validate()
        fever = find_persistent_fever(readings, c.infusion_at, p.persistent_fever)  # §3
        start = fever.at if fever else None
        escalations = sorted(c.escalations, key=lambda e: e.at)
        for i, e in enumerate(c.escalations):  # §5: an escalation before the start is an input error
            if start is None:
                self.problems.append(Problem(f"escalations[{i}].at",
                    "anakinra has not started (persistent fever not met), so it cannot be escalated"))
            elif e.at < start:
                self.problems.append(Problem(f"escalations[{i}].at",
                    f"escalation at {self.local(e.at).isoformat(timespec='minutes')} is before the anakinra start"
                    f" {self.local(start).isoformat(timespec='minutes')}"))
        if self.problems:
            raise CaseError(self.problems)
        escalated_at = escalations[0].at if escalations and start else None  # only the first counts

        weights = WeightHistory([WeightEntry(w.at, w.kg) for w in c.weights])
        graded = self._grade_assessments(readings, fever)
        resolved_at = self._resolution(graded, start)  # §6
        stop = stop_time(resolved_at, c.infusion_at, p.schedule) if start else None

        doses, dose, alerts, notices = (), None, set(), set()
        if start is not None:
            until = stop or self.now + self.horizon
            schedule = build_schedule(start, escalated_at, until, stop is None, weights, p.schedule, p.dose)
            doses = tuple(self._due_dose(d) for d in schedule)
            current = weights.at(self.now)
            if current is not None:
                working = calculate_dose(current, p.dose)
                dose = self._dose(working)
                if working.capped:
                    alerts.add("dose_capped")
                alerts.update(weight_warnings(weights, self.now, p.weight))
            if current is None or any(d.working is None for d in schedule):
                notices.add("weight_missing")
            if any(d.daily_cap_reduced for d in schedule):
                notices.add("daily_maximum")
            alerts.update(self._prompts(graded, start, escalated_at))
        return Result(
            application=f"pacer-desktop {__version__}", protocol=p.id, protocol_sha256=p.sha256, timezone=c.timezone, now=self.local(self.now),
            persistent_fever_at=self.local(start),
            persistent_fever_readings=self._fever_readings(fever),
            dose=dose, escalated_at=self.local(escalated_at), doses=doses,
            resolved_at=self.local(resolved_at), stop_at=self.local(stop),
            assessments=tuple(graded), daily_max=self._daily_max(graded),
            alerts=tuple(sorted(alerts)), notices=tuple(sorted(notices)), eligibility=self._eligibility(),
        )

    def _fever_readings(self, fever: PersistentFever | None) -> tuple[FeverReading, ...]:
        if fever is None:
            return ()
        out = []
        for r in (fever.first, fever.second):
            t = self.case.temperatures[r.index]
            out.append(FeverReading(at=self.local(r.at), value=t.value, unit=t.unit, temp_c=r.temp_c, index=r.index))
        return tuple(out)

    def _dose(self, w: DoseWorking) -> Dose:
        return Dose(weight_kg=w.weight_kg, weight_at=self.local(w.weight_at), mg_per_kg=w.mg_per_kg,
                    calculated_mg=w.calculated_mg, rounded_mg=w.rounded_mg, mg=w.mg, capped=w.capped,
                    volume_ml=w.volume_ml, route=w.route, working=w.working_text(self.p.dose))

    def _due_dose(self, d) -> DueDose:
        w = d.working
        return DueDose(due=self.local(d.due), mg=w.mg if w else None, interval_h=d.interval_h,
                       volume_ml=w.volume_ml if w else None, weight_kg=w.weight_kg if w else None,
                       weight_at=self.local(w.weight_at) if w else None,
                       day=post_infusion_day(d.due, self.case.infusion_at, self.tz))

    def _grade_assessments(self, readings: list[Reading], fever: PersistentFever | None) -> list[AssessmentResult]:
        """CRS (§8) and ICANS (§9) at each assessment, in time order, with carried-forward grades."""
        c, p = self.case, self.p
        # Instants as POSIX seconds for the searches: exact for clinical times, and far cheaper
        # to compare than aware datetimes in a 30-day case.
        febrile = sorted(r.at.timestamp() for r in readings if r.temp_c >= p.crs.fever_c)
        waiver_times = sorted(m.at.timestamp() for m in c.medications if m.drug in p.crs.waiver_drugs)
        lookback = hours(p.crs.fever_lookback_h).total_seconds()
        onset = fever.at.timestamp() if fever else None  # §8: CRS onset = persistent fever or grade >= 1
        current_crs = current_icans = 0
        out = []
        for a in sorted(c.assessments, key=lambda a: a.at):
            crs_grade = waived = crs_reason = None
            icans_grade = icans_tool = icans_reason = None
            notes: list[str] = []
            if a.crs is not None:
                ts = a.at.timestamp()
                has_fever = bisect_left(febrile, ts - lookback) < bisect_right(febrile, ts)
                if has_fever and (onset is None or ts < onset):
                    onset_now = ts  # this assessment is CRS onset (grade >= 1 with fever)
                else:
                    onset_now = onset if onset is not None and onset <= ts else None
                waived = onset_now is not None and _any_between(waiver_times, onset_now, ts)
                g = grade_crs(a.crs, has_fever, waived, p.crs)
                crs_grade, crs_reason = g.grade, g.reason
                notes.extend(g.notes)
                if g.grade >= 1 and (onset is None or ts < onset):
                    onset = ts
                current_crs = g.grade
            if a.icans is not None:
                ig = grade_icans(a.icans, self._default_tool(a.at), p.icans)
                icans_grade, icans_tool, icans_reason = ig.grade, ig.tool, ig.reason
                notes.extend(ig.notes)
                current_icans = ig.grade
            day = post_infusion_day(a.at, c.infusion_at, self.tz) if c.infusion_at else None
            if out and instant(out[-1].at) == instant(a.at):  # the same instant as the one before: see below
                current_crs = max(current_crs, out[-1].current_crs_grade)
                current_icans = max(current_icans, out[-1].current_icans_grade)
            out.append(AssessmentResult(
                at=self.local(a.at), day=day, crs_grade=crs_grade, fever_waived=waived, crs_reason=crs_reason,
                icans_grade=icans_grade, icans_tool=icans_tool, icans_reason=icans_reason,
                current_crs_grade=current_crs, current_icans_grade=current_icans, notes=tuple(notes)))
        return self._worst_at_each_instant(out)

    @staticmethod
    def _worst_at_each_instant(rows: list[AssessmentResult]) -> list[AssessmentResult]:
        """Assessments at the same instant share the worst of their grades as the current grade.

        §6 and §7 take "the latest assessment at or before t"; two at one instant (a CRS and an
        ICANS assessment entered for the same minute, or two entries of one examination) have no
        latest between them. The input order must not decide, and the safe reading is the worse
        grade: CRS or ICANS is not resolved, and a prompt is not missed, while either says so.
        The loop above carries the running maximum through a group; this gives every row of the
        group the group's final value."""
        out = list(rows)
        for i in reversed(range(len(out) - 1)):
            later = out[i + 1]
            if instant(out[i].at) == instant(later.at):  # in UTC: a repeated hour's 01:30s are an hour apart
                out[i] = replace(out[i], current_crs_grade=later.current_crs_grade,
                                 current_icans_grade=later.current_icans_grade)
        return out

    def _resolution(self, graded: list[AssessmentResult], start: datetime | None) -> datetime | None:
        """First assessment at or after the start with current CRS and ICANS 0 and none higher later (§6)."""
        if start is None:
            return None
        resolved = None
        for a in reversed(graded):  # walk back while every later assessment is 0
            if (a.crs_grade or 0) > 0 or (a.icans_grade or 0) > 0:
                break
            if a.at >= start and a.current_crs_grade == 0 and a.current_icans_grade == 0:
                resolved = a.at
        return resolved

    def _prompts(self, graded: list[AssessmentResult], start: datetime, escalated_at: datetime | None) -> set[str]:
        """``consider_escalation`` and ``standard_of_care`` at now (§7), judged on the latest
        assessment at or before now and its current CRS grade: an assessment of ICANS alone
        carries the last CRS grade forward, as it does for resolution (§6), so CRS that
        persists 24 hours after the start is not hidden by a later neurological check."""
        rows = [a for a in graded if a.at <= self.now]
        if start > self.now or not rows:
            return set()
        latest = rows[-1]

        def grade_at(t: datetime) -> int:  # "the grade at time t" (§7): 0 before any assessment
            before = [a.current_crs_grade for a in rows if a.at <= t]
            return before[-1] if before else 0

        grade = latest.current_crs_grade
        if escalated_at is None or escalated_at > self.now:  # not yet escalated at now
            progression = grade > grade_at(start)
            persistence = (instant(latest.at) - instant(start) >= hours(self.p.alerts.persistence_after_start_h)
                           and grade >= 1)
            return {"consider_escalation"} if progression or persistence else set()
        return {"standard_of_care"} if grade > grade_at(escalated_at) else set()

    def _daily_max(self, graded: list[AssessmentResult]) -> tuple[DailyMax, ...]:
        """Highest assessed grade of each day 0 … day of now, at most day 30 (§1)."""
        infusion = self.case.infusion_at
        if infusion is None:
            return ()
        last = min(post_infusion_day(self.now, infusion, self.tz), self.p.grading_last_day)
        crs = [0] * (last + 1) if last >= 0 else []
        icans = list(crs)
        for a in graded:
            if a.day is not None and 0 <= a.day <= last:
                crs[a.day] = max(crs[a.day], a.crs_grade or 0)
                icans[a.day] = max(icans[a.day], a.icans_grade or 0)
        return tuple(DailyMax(day=d, crs_grade=crs[d], icans_grade=icans[d]) for d in range(len(crs)))

    def _eligibility(self) -> EligibilityResult | None:
        e = self.case.eligibility
        if e is None:
            return None
        result = evaluate_eligibility(e, self.case.patient, self.p.eligibility)
        return EligibilityResult(
            verdict=result.verdict,
            criteria=tuple(CriterionResult(id=x.id, status=x.status, detail=x.detail) for x in result.criteria),
            behind_verdict=result.reasons, age_note=self.p.eligibility.age_note)


def _any_between(times: list[float], lo: float, hi: float) -> bool:
    return bisect_left(times, lo) < bisect_right(times, hi)
