"""The report of a batch: every rejected or warned row, as it was in the file, with its line number and the
reasons (codes, English, Bangla). Staff fix the rows in it and import it again.

The rows come from enumerators' files, so a cell may be a formula (``=HYPERLINK(…)``) meant for the officer
who opens the report: no cell of it runs as one (industries/spreadsheet.py).
"""

import csv
import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from industries.spreadsheet import csv_safe

from .reasons import REASONS, REJECT

XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header

LEADING = ["line", "outcome", "reason_codes", "reasons_en", "reasons_bn"]


def issues_by_row(issues: pd.DataFrame) -> pd.DataFrame:
    """One row per file position with an issue: outcome (rejected wins over warning) and joined reasons."""
    if issues.empty:
        return pd.DataFrame(columns=["outcome", "reason_codes", "reasons_en", "reasons_bn"])
    issues = issues.drop_duplicates(["position", "code"]).copy()
    issues["rejects"] = issues.code.map(lambda c: REASONS[c].severity == REJECT)
    issues["en"] = issues.code.map(lambda c: REASONS[c].en)
    issues["bn"] = issues.code.map(lambda c: REASONS[c].bn)
    grouped = issues.groupby("position")
    return pd.DataFrame(
        {
            "outcome": grouped.rejects.any().map({True: "rejected", False: "warning"}),
            "reason_codes": grouped.code.agg(";".join),
            "reasons_en": grouped.en.agg(" ".join),
            "reasons_bn": grouped.bn.agg(" ".join),
        }
    )


def write_report(
    raw: pd.DataFrame, lines, issues: pd.DataFrame, csv_path: Path, xlsx_path: Path, written: list[Path]
) -> None:
    """Write the report as CSV (UTF-8 with BOM, so Excel shows Bangla) and XLSX. Each file is written under
    a temporary name and renamed when complete; every path made is appended to ``written``, so that the
    caller can remove them all if anything fails (a full disk leaves no half report)."""
    summary = issues_by_row(issues)
    original = raw.loc[summary.index]
    report = pd.concat(
        [pd.Series(pd.Series(lines, index=raw.index).loc[summary.index], name="line"), summary, original],
        axis=1,
    ).sort_values("line")
    header = [str(name) for name in report.columns]
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    for path, write in ((csv_path, _write_csv), (xlsx_path, _write_xlsx)):
        partial = path.with_name(path.name + ".partial")
        written += [partial, path]
        write(partial, header, report)
        os.replace(partial, path)


def _write_csv(path: Path, header: list[str], report: pd.DataFrame) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([csv_safe(name) for name in header])
        for row in report.itertuples(index=False, name=None):
            writer.writerow([csv_safe(value) for value in row])


def _write_xlsx(path: Path, header: list[str], report: pd.DataFrame) -> None:
    workbook = Workbook(write_only=True)
    sheet = None
    for number, row in enumerate(report.itertuples(index=False, name=None)):
        if number % XLSX_MAX_ROWS == 0:
            sheet = workbook.create_sheet(f"report ({number // XLSX_MAX_ROWS + 1})" if number else "report")
            sheet.append([_xlsx_cell(sheet, name) for name in header])
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(path)


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    # Typed as a string, a cell is never a formula, whatever it starts with, and keeps its exact text
    # (less the control characters an XLSX cannot hold).
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
