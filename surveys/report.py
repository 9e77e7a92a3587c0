"""The report of a batch: every rejected or warned row, as it was in the file, with its line number and the
reasons (codes, English, Bangla). Staff fix the rows in it and import it again."""

from pathlib import Path

import pandas as pd

from .reasons import REASONS, REJECT

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


def write_report(raw: pd.DataFrame, lines, issues: pd.DataFrame, base: Path) -> tuple[Path, Path]:
    """Write ``base``.csv (UTF-8 with BOM, so Excel shows Bangla) and ``base``.xlsx; return both paths."""
    summary = issues_by_row(issues)
    original = raw.loc[summary.index]
    report = pd.concat(
        [pd.Series(pd.Series(lines, index=raw.index).loc[summary.index], name="line"), summary, original],
        axis=1,
    ).sort_values("line")
    base.parent.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = base.with_suffix(".csv"), base.with_suffix(".xlsx")
    report.to_csv(csv_path, index=False, encoding="utf-8-sig")
    report.to_excel(xlsx_path, index=False, engine="openpyxl")
    return csv_path, xlsx_path
