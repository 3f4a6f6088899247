"""The trial's data out (issue 19): REDCap import files for the study team (:mod:`.redcap`) and a
FHIR R4 transaction Bundle for the hospital record (:mod:`.fhir`).

A layer above storage and reports: it reads stored patients through the store's public API,
evaluates them as the window does (:func:`pacer_desktop.evaluation.evaluate_case`), and records each
export in the audit log. The window imports it only when an export is asked for; ``fhir.resources``
is imported inside the FHIR export, never at start-up.
"""
