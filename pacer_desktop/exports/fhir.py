"""The hospital record's FHIR R4 transaction Bundle of one patient (issue 19).

Built and validated resource by resource with ``fhir.resources``' R4B models (imported here, when
an export is asked for, never at the window's start). Codes used, and where they come from (the
README's FHIR section repeats this list):

- LOINC 8310-5 "Body temperature" and 29463-7 "Body weight", with the ``vital-signs`` category of
  ``http://terminology.hl7.org/CodeSystem/observation-category``: the FHIR R4 vital signs profile
  (hl7.org/fhir/R4/observation-vitalsigns.html) requires exactly these.
- UCUM ``Cel``, ``kg`` and ``mg`` (``http://unitsofmeasure.org``), as that profile and FHIR's
  Quantity use them.
- ``MR`` of ``http://terminology.hl7.org/CodeSystem/v2-0203`` (medical record number), the
  Identifier.type FHIR R4 gives for an MRN (hl7.org/fhir/R4/v2/0203).
- ``enterer`` of ``http://terminology.hl7.org/CodeSystem/provenance-participant-type``
  (hl7.org/fhir/R4/codesystem-provenance-participant-type.html): who entered the data.

Everything without a code we can cite stays text: "ASTCT CRS grade", "ASTCT ICANS grade", the ICANS
tool (ICE or CAPD), the drug "anakinra" and the route.

Idempotent: every entry is a conditional create (``POST`` with ``ifNoneExist`` on the resource's
own identifier), and every id is a UUID derived from that identifier, which comes from the stored
entry's row id and the patient's first stored row (who made it, where, to the microsecond) — so
exporting again gives the same ids, and sending the same bundle twice creates nothing twice.
Provenance has no identifier in FHIR R4: it is ``PUT`` to its own id, derived the same way. An
entry corrected or withdrawn since is a conditional update (``PUT Type?identifier=…``) of the
resource it was sent as, with status ``entered-in-error`` and who, when and why in a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..core.notation import fahrenheit
from ..core.temperature import to_celsius
from ..storage import EntryRecord, Store, User
from .common import Evaluated, evaluated, pair_in_order, who, write_whole

LOINC = "http://loinc.org"
#: The LOINC code and name of each vital sign PACER records.
BODY_TEMPERATURE, BODY_WEIGHT = ("8310-5", "Body temperature"), ("29463-7", "Body weight")
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DEFAULT_MRN_SYSTEM = "urn:pacer-desktop:mrn"
DEFAULT_ENTRY_SYSTEM = "urn:pacer-desktop:entry"
ICANS_TOOLS = {"ice": "ICE (Immune Effector Cell-associated Encephalopathy score)",
               "capd": "CAPD (Cornell Assessment of Pediatric Delirium)"}


def mrn_system() -> str:
    """The hospital's identifier system for MRNs: the setting ``PACER_FHIR_MRN_SYSTEM`` (a URI such
    as the hospital's OID ``urn:oid:…``), else a PACER placeholder the integration team replaces."""
    return os.environ.get("PACER_FHIR_MRN_SYSTEM", "").strip() or DEFAULT_MRN_SYSTEM


def entry_system() -> str:
    """The identifier system of PACER's own entries: ``PACER_FHIR_ENTRY_SYSTEM``, else a PACER URN."""
    return os.environ.get("PACER_FHIR_ENTRY_SYSTEM", "").strip() or DEFAULT_ENTRY_SYSTEM


def _uuid(system: str, value: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{system}|{value}"))


def _search(identifier: dict) -> str:
    """``identifier=system|value`` as a search of the resource by its identifier, URL-encoded (an
    MRN with ``&`` or ``+`` would otherwise be two parameters)."""
    return "identifier=" + quote(f"{identifier['system']}|{identifier['value']}", safe=":/|")


def _instant(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


class _Builder:
    def __init__(self, store: Store, ev: Evaluated) -> None:
        from fhir.resources.R4B import get_fhir_model_class
        self._model = get_fhir_model_class
        self.ev = ev
        self.entries: list[dict] = []
        self.system = entry_system()
        first = min(store.entries(ev.record.id, "patient"), key=lambda e: e.id)
        # The patient's own token: the same database, patient and first row always give it; another
        # workstation's database (whose row ids repeat ours) never does.
        made = f"{first.workstation}|{first.entered_at.isoformat()}|{ev.record.id}"
        self.token = hashlib.sha256(made.encode("utf-8")).hexdigest()[:16]
        self.patient_url = ""

    def _validated(self, resource: dict) -> dict:
        model = self._model(resource["resourceType"]).model_validate(resource)
        return json.loads(model.model_dump_json(exclude_none=True))

    def add(self, resource: dict, identifier: dict, *, entered: EntryRecord | None = None) -> str:
        rid = _uuid(identifier["system"], identifier["value"])
        resource = {"resourceType": resource["resourceType"], "id": rid,
                    "identifier": [*resource.pop("identifier", []), identifier], **resource}
        url = f"urn:uuid:{rid}"
        self.entries.append({"fullUrl": url, "resource": self._validated(resource),
                             "request": {"method": "POST", "url": resource["resourceType"],
                                         "ifNoneExist": _search(identifier)}})
        if entered is not None:
            self._provenance(url, identifier, entered)
        return url

    def withdraw(self, resource: dict, identifier: dict, entry: EntryRecord) -> None:
        """The resource once sent for ``entry``, now superseded (corrected, or withdrawn as entered in
        error): a conditional update of the same identifier, status entered-in-error, with why. A
        correction's new resource is sent beside it, under the new entry's own identifier."""
        how = (f"corrected by {entry.corrected_by}" if entry.superseded_by is not None
               else f"entered in error, withdrawn by {entry.corrected_by}")
        when = f" at {_instant(entry.corrected_at)}" if entry.corrected_at else ""
        resource = {**resource, "status": "entered-in-error", "identifier": [identifier],
                    "note": [{"text": f"{how}{when}: {entry.correction_reason}"}]}
        self.entries.append({"fullUrl": f"urn:uuid:{_uuid(identifier['system'], identifier['value'])}",
                             "resource": self._validated(resource),
                             "request": {"method": "PUT", "url": f"{resource['resourceType']}?{_search(identifier)}"}})

    def _provenance(self, target: str, identifier: dict, entered: EntryRecord) -> None:
        rid = _uuid(identifier["system"], identifier["value"] + "/provenance")
        resource = {"resourceType": "Provenance", "id": rid, "target": [{"reference": target}],
                    "recorded": _instant(entered.entered_at),
                    "agent": [{"type": {"coding": [{"system": PARTICIPANT_TYPE, "code": "enterer"}], "text": "entered by"},
                               "who": {"display": f"{who(entered)} on {entered.workstation}"}}]}
        self.entries.append({"fullUrl": f"urn:uuid:{rid}", "resource": self._validated(resource),
                             "request": {"method": "PUT", "url": f"Provenance/{rid}"}})

    def entry_id(self, entry: EntryRecord, suffix: str = "") -> dict:
        table = {"weight": "weights", "temperature": "temperatures", "assessment": "assessments",
                 "medication": "medications", "dose_outcome": "dose_outcomes"}[entry.kind]
        return {"system": self.system, "value": f"{self.token}.{table}.{entry.id}{suffix}"}

    def subject(self) -> dict:
        return {"reference": self.patient_url}


def bundle_for(store: Store, patient_id: int, *, now: datetime | None = None) -> dict:
    """The patient's transaction Bundle as JSON data, every resource and the Bundle validated."""
    from fhir.resources.R4B.bundle import Bundle
    ev = evaluated(store, patient_id, now)
    b = _Builder(store, ev)
    record = ev.record
    mrn = {"system": mrn_system(), "value": record.mrn,
           "type": {"coding": [{"system": IDENTIFIER_TYPE, "code": "MR"}], "text": "Medical record number"}}
    patient: dict[str, Any] = {"resourceType": "Patient", "name": [{"text": record.name}]}
    if record.sex_at_birth:
        patient["gender"] = record.sex_at_birth  # FHIR's administrative gender; sex at birth is what PACER has
    if record.date_of_birth:
        patient["birthDate"] = record.date_of_birth.isoformat()
    b.patient_url = b.add(patient, mrn)
    _temperatures(b, ev)
    _weights(b, ev)
    _grades(b, ev)
    _anakinra(b, ev)
    _superseded(b, ev)
    bundle = {"resourceType": "Bundle", "id": _uuid(b.system, f"{b.token}.bundle"), "type": "transaction",
              "entry": b.entries}
    return json.loads(Bundle.model_validate(bundle).model_dump_json(exclude_none=True))


def _vital(b: _Builder, entry: EntryRecord, code: str, display: str, value: Decimal, unit: str) -> dict:
    return {"resourceType": "Observation", "status": "final",
            "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]}],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
            "subject": b.subject(), "effectiveDateTime": _instant(entry.at),
            "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


def _temperatures(b: _Builder, ev: Evaluated) -> None:
    rules = ev.protocol.temperature
    for entry, t in pair_in_order(ev.of_kind("temperature"), ev.case.temperatures):
        resource = _vital(b, entry, *BODY_TEMPERATURE, to_celsius(t.value, t.unit, rules), "Cel")
        if t.unit == "F":  # rules §2: converted to 0.01 °C half up; the reading as taken is kept
            resource["note"] = [{"text": f"Entered as {fahrenheit(t.value)}; converted to °C by PACER (rules §2)."}]
        b.add(resource, b.entry_id(entry), entered=entry)


def _weights(b: _Builder, ev: Evaluated) -> None:
    for entry, w in pair_in_order(ev.of_kind("weight"), ev.case.weights):
        b.add(_vital(b, entry, *BODY_WEIGHT, w.kg, "kg"), b.entry_id(entry), entered=entry)


def _grades(b: _Builder, ev: Evaluated) -> None:
    """Each assessment's CRS and ICANS grade as the engine gave them (rules §8, §9), as text-coded
    Observations: no code for an ASTCT grade could be confirmed from a citable source."""
    results = {a.index: a for a in ev.result.assessments}
    for i, (entry, _a) in enumerate(pair_in_order(ev.of_kind("assessment"), ev.case.assessments)):
        graded = results.get(i)
        if graded is None:
            continue
        base = {"resourceType": "Observation", "status": "final", "subject": b.subject(),
                "effectiveDateTime": _instant(entry.at)}
        if graded.crs_grade is not None:
            b.add({**base, "code": {"text": "ASTCT CRS grade"}, "valueInteger": graded.crs_grade,
                   "method": {"text": "ASTCT consensus grading, as calculated by PACER Desktop (rules §8)"}},
                  b.entry_id(entry, ".crs"), entered=entry)
        if graded.icans_grade is not None:
            tool = ICANS_TOOLS.get(graded.icans_tool or "", "no ICE or CAPD score (other domains only)")
            b.add({**base, "code": {"text": "ASTCT ICANS grade"}, "valueInteger": graded.icans_grade,
                   "method": {"text": f"{tool}; ASTCT consensus grading, as calculated by PACER Desktop (rules §9)"}},
                  b.entry_id(entry, ".icans"), entered=entry)


def _anakinra(b: _Builder, ev: Evaluated) -> None:
    """A MedicationAdministration per recorded anakinra dose, and per line held, refused or
    omitted (``not-done``, with the reason) (rules §5a)."""
    drug = {"text": ev.protocol.dose.drug}
    route = {"text": ev.protocol.dose.route}
    for entry, m in pair_in_order(ev.of_kind("medication"), ev.case.medications):
        if m.drug != ev.protocol.dose.drug:
            continue
        resource: dict[str, Any] = {"resourceType": "MedicationAdministration", "status": "completed",
                                    "medicationCodeableConcept": drug, "subject": b.subject(),
                                    "effectiveDateTime": _instant(m.at), "dosage": {"route": route}}
        if m.dose_mg is not None:
            resource["dosage"]["dose"] = {"value": m.dose_mg, "unit": "mg", "system": UCUM, "code": "mg"}
        notes = [f"schedule line {m.for_line}"] if m.for_line else []
        if m.reason:
            notes.append(f"given outside its window: {m.reason}")
        if notes:
            resource["note"] = [{"text": "; ".join(notes)}]
        b.add(resource, b.entry_id(entry), entered=entry)
    outcomes = sorted(ev.of_kind("dose_outcome"), key=lambda e: (e.at, e.id))
    for entry in outcomes:
        v = entry.values
        resource = {"resourceType": "MedicationAdministration", "status": "not-done",
                    "statusReason": [{"text": f"{v['outcome']}: {v['reason']}"}],
                    "medicationCodeableConcept": drug, "subject": b.subject(),
                    "effectiveDateTime": _instant(v["at"]),
                    "note": [{"text": f"schedule line {v['line']} {v['outcome']} by {v['by']}"}]}
        b.add(resource, b.entry_id(entry), entered=entry)


def _superseded(b: _Builder, ev: Evaluated) -> None:
    """Every entry corrected or withdrawn since it was entered, as the resource a bundle then carried,
    marked entered-in-error (README: the server's copy is updated, not left as it was)."""
    drug = {"text": ev.protocol.dose.drug}
    known = ev.now + timedelta(minutes=ev.protocol.temperature.future_tolerance_min)
    for entry in ev.history:
        if entry.current or entry.kind not in ("temperature", "weight", "assessment", "medication", "dose_outcome") \
                or (entry.at is not None and entry.at > known):
            continue
        v, at = entry.values, _instant(entry.values["at"])
        if entry.kind in ("temperature", "weight"):
            code, display = BODY_TEMPERATURE if entry.kind == "temperature" else BODY_WEIGHT
            b.withdraw({"resourceType": "Observation", "code": {"coding": [{"system": LOINC, "code": code,
                        "display": display}], "text": display}, "subject": b.subject(), "effectiveDateTime": at},
                       b.entry_id(entry), entry)
        elif entry.kind == "assessment":  # a grade was sent for each syndrome assessed (_grades)
            for part, label in (("crs", "ASTCT CRS grade"), ("icans", "ASTCT ICANS grade")):
                if v.get(part) is not None:
                    b.withdraw({"resourceType": "Observation", "code": {"text": label}, "subject": b.subject(),
                                "effectiveDateTime": at}, b.entry_id(entry, f".{part}"), entry)
        elif entry.kind == "dose_outcome" or v.get("drug") == ev.protocol.dose.drug:
            b.withdraw({"resourceType": "MedicationAdministration", "medicationCodeableConcept": drug,
                        "subject": b.subject(), "effectiveDateTime": _instant(v["at"])}, b.entry_id(entry), entry)


def export_fhir(store: Store, user: User, patient_id: int, out: Path, *, now: datetime | None = None) -> str:
    """Write the Bundle to ``out`` and record the export in the audit log; returns what was done."""
    bundle = bundle_for(store, patient_id, now=now)
    data = (json.dumps(bundle, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_whole(out, data)
    record = store.patient(patient_id)
    store.record_document(user, patient_id, kind="fhir_export", content_sha256=hashlib.sha256(data).hexdigest(),
                          protocol=record.protocol,
                          detail=f"FHIR R4 bundle ({len(bundle['entry'])} resources) to {out}")
    return f"FHIR bundle of MRN {record.mrn}: {len(bundle['entry'])} resources in {out}"
