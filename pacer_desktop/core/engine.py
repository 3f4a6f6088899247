"""``evaluate``: one case in, one result out, every rule of clinical-rules §1–§10.

Pure: the caller fills in ``now`` and ``timezone`` (:meth:`Case.with_defaults`); nothing here
reads a clock or a file.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import __version__
from . import wording
from .case import Case
from .checks import CaseChecks
from .grades import GradesAt, current_grades, groups_by_instant, in_time_order, resolution
from .crs import grade_crs
from .dose import DoseWorking, WeightEntry, WeightHistory, calculate_dose, weight_warnings
from .eligibility import evaluate_eligibility
from .errors import CaseError, Problem
from .icans import grade_icans
from .protocol import Protocol
from .result import (AssessmentResult, Course, CriterionResult, DailyMax, Dose, DueDose, EligibilityResult,
                     FeverReading, Result, UnscheduledDose)
from .schedule import (Administration, Closure, CoursePlan, Line, LineProblem, apply_daily_maximum, plan_lines,
                       windows_over, with_status)
from .temperature import PersistentFever, Reading, find_persistent_fever
from .timeutil import hours, instant, post_infusion_day


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

    Every entry later than now + 5 minutes is an input error, in a case file as at the bedside
    (rules §2 rev 2); ``bedside`` is kept for callers and changes nothing. ``horizon_h`` lists
    doses further ahead than the protocol's now + 24 h while there is no stop time (the 72-hour
    downtime record); it changes no rule.
    """
    if case.now is None or case.timezone is None:
        raise ValueError("evaluate needs now and timezone: call Case.with_defaults first")
    if case.protocol not in (None, protocol.id):
        raise CaseError([Problem("protocol", f"{case.protocol!r} is not the loaded protocol {protocol.id!r}")])
    tz = resolve_zone(case.timezone)
    return _Evaluation(case, protocol, tz, horizon_h).run()


@dataclass
class _Course:
    """One course while it is worked out (rules §6): its start, escalation, resolution and stop."""

    number: int
    begin: datetime
    first_due: datetime
    by: str | None = None
    reason: str | None = None
    escalated_at: datetime | None = None
    resolved_at: datetime | None = None
    stop: datetime | None = None


class _Evaluation(CaseChecks):
    """One evaluation's working state; built and thrown away inside :func:`evaluate`."""

    def __init__(self, case: Case, protocol: Protocol, tz: ZoneInfo, horizon_h: int | None = None) -> None:
        self.case, self.p, self.tz = case, protocol, tz
        self.horizon = hours(max(horizon_h or 0, protocol.schedule.horizon_without_stop_h))
        self.now: datetime = instant(case.now)
        self.problems: list[Problem] = []
        # rules §2: an entry up to 5 minutes after now counts as taken at now; later ones are errors
        self.latest_allowed = self.now + timedelta(minutes=protocol.temperature.future_tolerance_min)
        self.seen = self.latest_allowed  # "at or before now", for entries
        self.window = timedelta(minutes=protocol.schedule.administration_window_min)
        self._tools: dict = {}

    def local(self, at: datetime | None) -> datetime | None:
        return None if at is None else at.astimezone(self.tz)

    # ---- the rules ---------------------------------------------------------------------
    def run(self) -> Result:
        c, p = self.case, self.p
        # Time order, ties broken by value, so that the order of listing never decides (§7 rev 2).
        readings = sorted(self._validate(), key=lambda r: (instant(r.at), r.temp_c))
        if self.problems:  # the rules below assume valid entries
            raise CaseError(self.problems)
        fever = find_persistent_fever(readings, c.infusion_at, p.persistent_fever)  # §3
        start = instant(fever.at) if fever else None
        graded = self._grade_assessments(readings, fever)
        groups = groups_by_instant([(a.at, a.crs_grade, a.icans_grade) for a in graded])
        febrile = sorted({instant(r.at) for r in readings if r.temp_c >= p.crs.fever_c
                          and (c.infusion_at is None or r.at >= c.infusion_at)})
        courses = self._courses(start, groups, febrile)
        administrations = [Administration(instant(m.at), m.dose_mg, i, m.for_line)
                           for i, m in enumerate(c.medications) if m.drug == p.dose.drug]
        closures = {o.line: Closure(o.outcome, instant(o.at), o.by, o.reason, i)
                    for i, o in enumerate(c.dose_outcomes)}
        lines: list[Line] = []
        unscheduled: list[Administration] = []
        weights = WeightHistory([WeightEntry(instant(w.at), w.kg) for w in c.weights])
        if courses and not self.problems:
            plans = [CoursePlan(co.number, co.first_due, co.escalated_at, co.stop, self.now + self.horizon)
                     for co in courses]
            try:
                lines, unscheduled = plan_lines(plans, administrations, closures, weights, p.schedule, p.dose)
            except LineProblem as exc:
                self.problems.append(Problem(exc.field, exc.message))
        elif not self.problems:  # no course: no line to name or close, and every dose is unscheduled (§5a)
            if c.dose_outcomes:
                self.problems.append(Problem("dose_outcomes[0].line", "anakinra has not started: there is no line to close"))
            self.problems += [Problem(f"medications[{a.index}].for_line",
                                      f"anakinra has not started: there is no line {a.for_line}")
                              for a in administrations if a.for_line is not None]
            unscheduled = administrations
        if self.problems:
            raise CaseError(self.problems)

        dose, alerts, notices = None, set(), set()
        if courses:
            latest = courses[-1]
            lines, over = apply_daily_maximum(lines, administrations, self.now, p.dose,  # §4 rev 2
                                              {co.number: co.stop for co in courses}, self.window)
            stopped = {co.number: co.stop is not None and co.stop <= self.now for co in courses}
            lines = with_status(lines, self.now, self.window, stopped)  # §5a
            running = latest.begin <= self.seen and not stopped[latest.number]
            current = weights.at(self.seen)
            if current is not None:
                working = calculate_dose(current, p.dose)
                dose = self._dose(working)
                if running:  # §4 rev 2: the dose warnings concern a running course
                    if working.capped:
                        alerts.add("dose_capped")
                    alerts.update(weight_warnings(weights, current, self.now, p.weight))  # the dose's weight
            if current is None or any(line.working is None for line in lines):
                notices.add("weight_missing")
            if over:
                notices.add("daily_maximum")
            if unscheduled:
                notices.add("unscheduled_dose")
            alerts.update(self._given_alerts(lines, administrations))
            if running:
                alerts.update(self._prompts(groups, febrile, latest))  # §7
            elif stopped[latest.number] and self._recurred(groups, febrile, latest.stop):
                alerts.add("recurrence_after_stop")  # §6 rev 2
        elif unscheduled:  # anakinra recorded before any course: kept, and counted for §4 (§5a rev 2)
            notices.add("unscheduled_dose")
            if windows_over([(a.at, a.mg) for a in administrations if a.mg is not None], p.dose):
                notices.add("daily_maximum")
            alerts.update(self._given_alerts([], administrations))  # a dose above the maximum (§4 rev 2)
        latest = courses[-1] if courses else None
        return Result(
            application=f"pacer-desktop {__version__}", protocol=p.id, protocol_sha256=p.sha256, timezone=c.timezone,
            now=self.local(c.now),
            persistent_fever_at=self.local(start),
            persistent_fever_readings=self._fever_readings(fever),
            dose=dose, escalated_at=self.local(latest.escalated_at if latest else None),
            doses=tuple(self._due_dose(line) for line in lines),
            resolved_at=self.local(latest.resolved_at if latest else None),
            stop_at=self.local(latest.stop if latest else None),
            assessments=tuple(graded), daily_max=self._daily_max(graded),
            alerts=tuple(sorted(alerts)), notices=tuple(sorted(notices)), eligibility=self._eligibility(),
            courses=tuple(self._course(co) for co in courses),
            unscheduled_doses=tuple(UnscheduledDose(at=self.local(a.at), mg=a.mg) for a in unscheduled),
        )

    # ---- courses, resolution and the stop (§5, §6) ---------------------------------------
    def _courses(self, start: datetime | None, groups: list[GradesAt], febrile: list[datetime]) -> list[_Course]:
        """The first course from persistent fever, then one per valid restart; each with its
        escalation, resolution and stop time. Restarts and escalations that fit no course are
        input errors (§5, §6 rev 2)."""
        c, p = self.case, self.p
        restarts = sorted(enumerate(c.restarts), key=lambda ir: (instant(ir[1].at), ir[1].by, ir[1].reason))
        for i, r in restarts:
            for name in ("by", "reason"):
                if not getattr(r, name).strip():
                    self.problems.append(Problem(f"restarts[{i}].{name}", "required (a restart is a clinician's"
                                                                          " decision: who and why)"))
        if start is None:
            for i, _r in restarts:
                self.problems.append(Problem(f"restarts[{i}].at",
                    "anakinra has not started (persistent fever not met), so it cannot be restarted"))
            for i, _e in enumerate(c.escalations):
                self.problems.append(Problem(f"escalations[{i}].at",
                    "anakinra has not started (persistent fever not met), so it cannot be escalated"))
            return []
        courses = [_Course(1, start, start)]
        gap = hours(p.schedule.restart_after_last_dose_h)
        given = sorted(instant(m.at) for m in c.medications if m.drug == p.dose.drug)
        for i, r in [(None, None)] + restarts:
            co = courses[-1]
            if i is not None:
                at = instant(r.at)
                if at < start:
                    self.problems.append(Problem(f"restarts[{i}].at",
                        f"restart at {self._when(at)} is before the anakinra start {self._when(start)}"))
                    continue
                if co.stop is None or at < co.stop:
                    why = ("no stop time yet" if co.stop is None else f"its stop time is {self._when(co.stop)}")
                    self.problems.append(Problem(f"restarts[{i}].at",
                        f"anakinra is still running at {self._when(at)} ({why}): a restart follows a stop"))
                    continue
                last = [t for t in given if t < at]  # before the restart: a dose given at it is its first
                co = _Course(len(courses) + 1, at, max([at] + ([last[-1] + gap] if last else [])),
                             by=r.by, reason=r.reason)
                courses.append(co)
            co.resolved_at, co.stop = resolution(co.begin, groups, febrile, self.case.infusion_at, self.p)
        for i, e in sorted(enumerate(c.escalations), key=lambda ie: instant(ie[1].at)):
            at = instant(e.at)
            owner = next((co for co in courses if co.begin <= at and (co.stop is None or at < co.stop)), None)
            if at < start:
                self.problems.append(Problem(f"escalations[{i}].at",
                    f"escalation at {self._when(at)} is before the anakinra start {self._when(start)}"))
            elif owner is None:
                self.problems.append(Problem(f"escalations[{i}].at",
                    f"anakinra stopped before {self._when(at)}: record a restart to start a new course"))
            elif owner.escalated_at is None:  # §5: only the first escalation of a course counts
                owner.escalated_at = at
        return courses

    def _recurred(self, groups: list[GradesAt], febrile: list[datetime], stop: datetime) -> bool:
        """A CRS or ICANS grade >= 1, or a temperature >= 38.0 °C, at or after a reached stop (§6 rev 2)."""
        return (any(stop <= g.at <= self.seen and ((g.crs or 0) >= 1 or (g.icans or 0) >= 1) for g in groups)
                or any(stop <= t <= self.seen for t in febrile))

    def _course(self, co: _Course) -> Course:
        return Course(number=co.number, started_at=self.local(co.begin), first_due=self.local(co.first_due),
                      restart_by=co.by, restart_reason=co.reason, escalated_at=self.local(co.escalated_at),
                      resolved_at=self.local(co.resolved_at), stop_at=self.local(co.stop))

    def _when(self, at: datetime) -> str:
        """A time in a problem, with its year (``3 Nov 2026 12:00``, the case's zone): a year
        typed wrong at New Year must show in the text that refuses it."""
        return wording.date_time(at, self.tz)

    # ---- alerts (§4, §7) ---------------------------------------------------------------
    def _given_alerts(self, lines: list[Line], administrations: list[Administration]) -> set[str]:
        """``dose_above_maximum`` and ``dose_above_calculated`` for recorded doses (§4 rev 2)."""
        alerts = set()
        if any(a.mg is not None and a.mg > self.p.dose.max_mg for a in administrations):
            alerts.add("dose_above_maximum")
        allowed = 1 + self.p.alerts.dose_above_calculated_fraction
        if any(line.given is not None and line.given.mg is not None and line.working is not None
               and line.given.mg > line.working.mg * allowed for line in lines):
            alerts.add("dose_above_calculated")
        return alerts

    def _prompts(self, groups: list[GradesAt], febrile: list[datetime], co: _Course) -> set[str]:
        """``consider_escalation`` and ``standard_of_care`` at now for a running course (§7, §7 rev 2)."""
        seen = [g for g in groups if g.at <= self.seen]

        def crs_at(t: datetime) -> int:  # "the grade at time t": CRS-assessed entries only, 0 before any
            graded = [g.crs for g in seen if g.at <= t and g.crs is not None]
            return graded[-1] if graded else 0

        floor = self.p.crs.fever_only_grade  # persistent fever is CRS grade 1
        now_grade = crs_at(self.seen)
        if co.escalated_at is None or co.escalated_at > self.seen:
            after = hours(self.p.alerts.persistence_after_start_h)
            latest = seen[-1].at if seen else None
            # a fever after the latest check of CRS: an ICANS-only check does not hide it (§7 rev 2)
            crs_checked = [g.at for g in seen if g.crs is not None]
            latest_crs = crs_checked[-1] if crs_checked else None
            progression = now_grade > max(floor, crs_at(co.begin))
            persistence = latest is not None and latest - co.begin >= after and now_grade >= floor
            feverish = any(co.begin + after <= t <= self.seen and (latest_crs is None or t > latest_crs)
                           for t in febrile)
            return {"consider_escalation"} if progression or persistence or feverish else set()
        return {"standard_of_care"} if now_grade > max(floor, crs_at(co.escalated_at)) else set()

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
                    volume_ml=w.volume_ml, route=w.route, working=wording.dose_working(w, self.p.dose))

    def _due_dose(self, line: Line) -> DueDose:
        w, given, closure = line.working, line.given, line.closure
        return DueDose(due=self.local(line.due), mg=w.mg if w else None, interval_h=line.interval_h,
                       volume_ml=w.volume_ml if w else None, weight_kg=w.weight_kg if w else None,
                       weight_at=self.local(w.weight_at) if w else None,
                       day=post_infusion_day(line.due, self.case.infusion_at, self.tz),
                       line=line.number, course=line.course, status=line.status,
                       given_at=self.local(given.at) if given else None, given_mg=given.mg if given else None,
                       outcome_by=closure.by if closure else None, outcome_at=self.local(closure.at) if closure else None,
                       outcome_reason=closure.reason if closure else None,
                       retimed_after_line=line.retimed_after_line,
                       escalated_after_line=line.escalated_after_line, lowered_from_mg=line.lowered_from_mg,
                       fits_from=self.local(line.fits_from) if line.fits_from else None)

    def _grade_assessments(self, readings: list[Reading], fever: PersistentFever | None) -> list[AssessmentResult]:
        """CRS (§8) and ICANS (§9) at each assessment, in time order, with the grades current at
        each (§7 rev 2). CRS follows the infusion: readings, medications and assessments before it
        never count as CRS fever, set its onset or waive fever (§8 rev 2)."""
        c, p = self.case, self.p
        infusion = c.infusion_at

        def after_infusion(at: datetime) -> bool:
            return infusion is None or at >= infusion

        # Instants as POSIX seconds for the searches: exact for clinical times, and far cheaper
        # to compare than aware datetimes in a 30-day case.
        febrile = sorted(r.at.timestamp() for r in readings if r.temp_c >= p.crs.fever_c and after_infusion(r.at))
        waiver_times = sorted(m.at.timestamp() for m in c.medications
                              if m.drug in p.crs.waiver_drugs and after_infusion(m.at))
        lookback = hours(p.crs.fever_lookback_h).total_seconds()
        onset = fever.at.timestamp() if fever else None  # §8: CRS onset = persistent fever or grade >= 1
        out = []
        for index, a in in_time_order(c.assessments):
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
                if g.grade >= 1 and (onset is None or ts < onset) and after_infusion(a.at):
                    onset = ts
            if a.icans is not None:
                ig = grade_icans(a.icans, self._default_tool(a.at), p.icans)
                icans_grade, icans_tool, icans_reason = ig.grade, ig.tool, ig.reason
                notes.extend(ig.notes)
            day = post_infusion_day(a.at, c.infusion_at, self.tz) if c.infusion_at else None
            out.append(dict(at=self.local(a.at), day=day, crs_grade=crs_grade, fever_waived=waived,
                            crs_reason=crs_reason, icans_grade=icans_grade, icans_tool=icans_tool,
                            icans_reason=icans_reason, notes=tuple(notes), index=index))
        current = current_grades([(r["at"], r["crs_grade"], r["icans_grade"]) for r in out])
        return [AssessmentResult(**r, current_crs_grade=crs, current_icans_grade=icans)
                for r, (crs, icans) in zip(out, current)]

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
