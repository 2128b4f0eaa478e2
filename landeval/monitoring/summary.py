"""The year-over-year tables in a few words: what the console and the report say (DESIGN §11).

Examples
--------
>>> progress = pd.DataFrame({"status": ["CLOSED", "SUSPECTED_DONE", "NOT_STARTED"],
...                          "area_mu": [10.0, 5.0, 20.0]})
>>> progress_line(progress)
'上年清单 3 宗 35.0 亩：已销号 1，已验收 0，疑似完成 1，推进中 0，受阻 0，未启动 1'
>>> revitalisation_line(pd.DataFrame({"level": ["city"], "region_id": ["city"],
...     "listed_mu": [35.0], "closed_mu": [10.0], "closed_share": [10 / 35],
...     "target_mu": [float("nan")]}))
'盘活 10.0 亩，占上年清单面积 28.6%'
"""

from __future__ import annotations

import pandas as pd

from landeval._format import format_number
from landeval.monitoring.transitions import transition_summary
from landeval.vocabulary import CITY, LIST_STATUS_LABELS, Language, label

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "list": "上年清单 {n} 宗 {mu} 亩：",
        "sep": "，",
        "revitalised": "盘活 {mu} 亩，占上年清单面积 {share}",
        "target": "（目标 {target} 亩，完成 {reached}）",
        "firms": "企业类别变化：",
        "parcels": "宗地类别变化：",
        "same": "无变化",
    },
    "en": {
        "list": "Last year's list, {n} parcels, {mu} mu: ",
        "sep": ", ",
        "revitalised": "Put to use: {mu} mu, {share} of the land listed",
        "target": " (target {target} mu, {reached} reached)",
        "firms": "Firm classes: ",
        "parcels": "Parcel classes: ",
        "same": "no change",
    },
}


def progress_counts(progress: pd.DataFrame) -> pd.DataFrame:
    """Parcels and area (亩) per status, in :data:`LIST_STATUS_LABELS` order (zeros kept)."""
    area = pd.to_numeric(progress["area_mu"], errors="coerce")
    status = progress["status"].astype("string")
    return pd.DataFrame(
        {
            "status": list(LIST_STATUS_LABELS),
            "parcels": [int((status == s).sum()) for s in LIST_STATUS_LABELS],
            "area_mu": [float(area[(status == s).fillna(False)].sum()) for s in LIST_STATUS_LABELS],
        }
    )


def progress_line(progress: pd.DataFrame, lang: Language = "zh") -> str:
    """Last year's list by status in one line: parcels per status."""
    words = _WORDS[lang]
    counts = progress_counts(progress)
    total = float(pd.to_numeric(progress["area_mu"], errors="coerce").sum())
    head = words["list"].format(n=len(progress), mu=format_number(total, 1))
    parts = [
        f"{label(LIST_STATUS_LABELS, s, lang)} {n}"
        for s, n in zip(counts["status"], counts["parcels"], strict=True)
    ]
    return head + words["sep"].join(parts)


def revitalisation_line(revitalisation: pd.DataFrame, lang: Language = "zh") -> str:
    """The city's 盘活 in one line: area closed, its share of the list, the target."""
    city = revitalisation.loc[
        (revitalisation["level"] == CITY) & (revitalisation["region_id"] == CITY)
    ]
    if city.empty:
        return ""
    row = city.iloc[0]
    words = _WORDS[lang]
    line = words["revitalised"].format(
        mu=format_number(row["closed_mu"], 1),
        share=format_number(row["closed_share"], 1, percent=True),
    )
    if pd.notna(row["target_mu"]):
        line += words["target"].format(
            target=format_number(row["target_mu"], 1),
            reached=format_number(row["closed_mu"] / row["target_mu"], 1, percent=True),
        )
    return line


def transitions_line(matrix: pd.DataFrame, *, level: str, lang: Language = "zh") -> str:
    """The city's class moves of ``level`` (firm or parcel) in one line."""
    words = _WORDS[lang]
    head = words["firms"] if level == "firm" else words["parcels"]
    return head + (transition_summary(matrix, level=level, lang=lang) or words["same"])
