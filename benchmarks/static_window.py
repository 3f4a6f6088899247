"""A static copy of the PACER Desktop window: a floor for benchmarks/bundle.py.

The same Qt widgets, in about the same numbers and layout, as the window shows at start with a
30-day patient (the temperature and grading screen beside the flowsheet's 255 rows), filled with
fixed text. Nothing else: no engine, no protocol file, no database, no settings, no Python of ours.
Whatever the real window costs beyond this copy is our code's; what this copy costs beyond the
hello window is what showing these widgets costs in Qt, whoever writes the program.

Frozen the same way as the app and the hello window, and quits once shown, as they do.
"""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDateTimeEdit, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QMainWindow,
                               QPushButton, QScrollArea, QSpinBox, QSplitter, QStackedWidget, QTabBar,
                               QTableView, QTabWidget, QVBoxLayout, QWidget)

BOLD = "font-weight: bold;"
CAPD = ("Makes eye contact with the caregiver", "Actions are purposeful", "Aware of surroundings",
        "Communicates needs and wants", "Restless", "Inconsolable", "Underactive", "Takes a long time to respond")
ICE = ("Orientation (0–4)", "Naming objects (0–3)", "Following commands (0–1)", "Writing (0–1)", "Attention (0–1)")
NEURO = ("Level of consciousness", "Seizure", "Motor findings", "Raised intracranial pressure")


def at_row(form: QFormLayout, label: str) -> None:
    """A time field with its Now button and zone, as every entry has."""
    row = QHBoxLayout()
    edit = QDateTimeEdit()
    edit.setDisplayFormat("dd MMM yyyy HH:mm")
    row.addWidget(edit, 1)
    row.addWidget(QPushButton("Now"))
    row.addWidget(QLabel("UTC"))
    form.addRow(label, row)


def reading(title: str, label: str, placeholder: str, unit: bool) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    row = QHBoxLayout()
    row.addWidget(QLineEdit(placeholderText=placeholder))
    if unit:
        combo = QComboBox()
        combo.addItems(["°C", "°F"])
        row.addWidget(combo)
    form.addRow(label, row)
    at_row(form, f"{title.split()[0]} at")
    form.addRow(QPushButton(f"Record {title.lower()}"))
    return box


def assessment() -> QGroupBox:
    box = QGroupBox("CRS and ICANS assessment")
    form = QFormLayout(box)
    at_row(form, "Assessed at")
    form.addRow(QLabel("CRS", styleSheet=BOLD))
    for label, items in (("Hypotension", ["no hypotension", "fluids only", "one vasopressor", "several"]),
                         ("Oxygen", ["room air", "low-flow nasal cannula", "high-flow", "positive pressure"])):
        combo = QComboBox()
        combo.addItems(items)
        form.addRow(label, combo)
    form.addRow("Oxygen flow (L/min)", QLineEdit(placeholderText="L/min"))
    form.addRow(QLabel("ICANS", styleSheet=BOLD))
    form.addRow(QCheckBox("CRS assessed at this time"))
    form.addRow(QCheckBox("ICANS assessed at this time"))
    tool = QComboBox()
    tool.addItems(["automatic", "ICE", "CAPD"])
    form.addRow("Tool", tool)
    form.addRow(QLabel("Tool for this patient: CAPD"))
    capd = QGroupBox("CAPD: over the shift, how often does the child… (0–32)")
    capd_form = QFormLayout(capd)
    for i, item in enumerate(CAPD, 1):
        combo = QComboBox()
        combo.addItems(["—", "never (0)", "rarely (1)", "sometimes (2)", "often (3)", "always (4)"])
        capd_form.addRow(QLabel(f"{i}. {item}", wordWrap=True), combo)
    form.addRow(capd)
    ice = QGroupBox("ICE score (0–10)")
    ice_form = QFormLayout(ice)
    for item in ICE:
        ice_form.addRow(item, QSpinBox())
    form.addRow(ice)
    form.addRow(QCheckBox("Unable to perform the assessment (unarousable)"))
    for item in NEURO:
        combo = QComboBox()
        combo.addItems(["—", "none", "present"])
        form.addRow(item, combo)
    form.addRow(QLabel("CRS grade 0 · ICANS grade 0", styleSheet="font-size: 11pt; " + BOLD))
    form.addRow(QPushButton("Record assessment"))
    return box


def flowsheet() -> QWidget:
    model = QStandardItemModel(0, 5)
    model.setHorizontalHeaderLabels(["Time", "Entry", "Value", "Entered by", "Status"])
    for i in range(255):
        model.appendRow([QStandardItem(text) for text in
                         (f"{i % 28 + 1} Nov {i % 24:02}:33", "temperature", "37 °C", "AB · 21 Nov 12:33", "current")])
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    header.setResizeContentsPrecision(0)
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(table, 1)
    buttons = QHBoxLayout()
    for text in ("Select an entry, then:", "Correct…", "Entered in error…"):
        buttons.addWidget(QLabel(text) if text.endswith(":") else QPushButton(text))
    layout.addLayout(buttons)
    return page


def window() -> QMainWindow:
    main = QMainWindow()
    main.setWindowTitle("PACER Desktop")
    main.menuBar().addMenu("&Print").addAction("Order sheet…")
    left = QWidget()
    column = QVBoxLayout(left)
    column.addWidget(QLabel("Patients", styleSheet=BOLD))
    search = QLineEdit(placeholderText="Search MRN or name")
    search.setClearButtonEnabled(True)
    column.addWidget(search)
    patients = QListWidget()
    patients.addItem("Thirty Days\nMRN BENCH-30 · born 2016-10-04")
    column.addWidget(patients, 1)
    column.addWidget(QPushButton("&New patient…"))

    right = QWidget()
    column = QVBoxLayout(right)
    column.addWidget(QLabel("Thirty Days   ·   MRN BENCH-30", styleSheet="font-size: 16pt; " + BOLD))
    column.addWidget(QLabel("10 years · female · dosing weight 23.4 kg · day 30 after infusion · protocol pacer-1"))
    column.addWidget(QLabel("Anakinra 59 mg IV every 12 hours · course complete",
                            styleSheet="QLabel { background: #ffe066; padding: 6px; font-weight: bold; }"))
    tabs = QTabBar()
    for title in ("Temperature && grading  (Ctrl+1)", "Dose && schedule  (Ctrl+2)", "Eligibility  (Ctrl+3)"):
        tabs.addTab(title)
    column.addWidget(tabs)
    screen = QWidget()
    screen_column = QVBoxLayout(screen)
    screen_column.addWidget(QLabel("Persistent fever met at 23 Oct 12:33; the first anakinra dose was given.",
                                   styleSheet="QLabel { background: #e0e0e0; padding: 6px; font-weight: bold; }"))
    form = QWidget()
    form_column = QVBoxLayout(form)
    form_column.addWidget(reading("Temperature", "Temperature", "e.g. 38.7", unit=True))
    form_column.addWidget(reading("Weight", "Weight (kg)", "e.g. 23.4", unit=False))
    form_column.addWidget(assessment())
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(form)
    side = QTabWidget()
    side.addTab(flowsheet(), "&Flowsheet")
    side.addTab(QWidget(), "&Chart")
    split = QSplitter()
    split.addWidget(scroll)
    split.addWidget(side)
    screen_column.addWidget(split, 1)
    stack = QStackedWidget()
    for page in (screen, QWidget(), QWidget()):
        stack.addWidget(page)
    column.addWidget(stack, 1)

    outer = QSplitter()
    outer.addWidget(left)
    outer.addWidget(right)
    outer.setStretchFactor(1, 1)
    outer.setSizes([230, 1100])
    main.setCentralWidget(outer)
    main.statusBar().addPermanentWidget(QLabel("Nobody signed in"))
    return main


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    shown_window = window()
    shown_window.resize(1366, 768)
    shown_window.show()

    def shown() -> None:  # quit once shown, as PACER_EXIT_AFTER_SHOWN does for the app, saying when
        print(f"at: {time.time():.6f}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()
