"""The index page linking the maps (and saying when a map was split by county)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from landeval._format import format_number
from landeval.maps.controls import UI
from landeval.maps.encode import escape_text
from landeval.vocabulary import Language


@dataclass(frozen=True)
class PageEntry:
    """One written map page: kind (platform_map…), file name, scope, parcels and size."""

    kind: str
    filename: str
    scope: str
    parcels: int
    size_bytes: int


def index_html(
    entries: Sequence[PageEntry],
    *,
    city: str,
    year: int,
    data_date: str,
    lang: Language = "zh",
    split_note: str = "",
) -> str:
    """The index page text: a list of map links with scope, parcel count and size."""
    ui = UI[lang]
    zh = lang == "zh"
    title = f"{city}{ui['index']}" if zh else f"{city}: {ui['index']}"
    rows = []
    for e in entries:
        name = ui[e.kind]
        scope = f"（{e.scope}）" if zh and e.scope else (f" ({e.scope})" if e.scope else "")
        size = f"{format_number(e.size_bytes / 1e6, 1)} MB"
        count = format_number(e.parcels, 0)
        parcels = f"宗地 {count} 宗" if zh else f"{count} parcels"
        rows.append(
            f'<li><a href="{escape_text(e.filename)}">{escape_text(name + scope)}</a>'
            f"<span>{escape_text(parcels)} · {size}</span></li>"
        )
    note = f'<p class="note">{escape_text(split_note)}</p>' if split_note else ""
    offline = (
        "地图为离线网页，无需联网即可打开（选择在线底图时除外）。"
        if zh
        else "The maps are self-contained pages that open with no internet "
        "(unless a web basemap was chosen)."
    )
    sub = f"{ui['year']} {year} · {ui['date']} {data_date}"
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if zh else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape_text(title)}</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
  "WenQuanYi Micro Hei", Arial, sans-serif; margin: 2em auto; max-width: 760px; color: #222; }}
h1 {{ font-size: 22px; }}
ul {{ list-style: none; padding: 0; }}
li {{ padding: 8px 0; border-bottom: 1px solid #ddd; }}
li a {{ font-size: 16px; margin-right: 1em; }}
li span {{ color: #666; font-size: 13px; }}
.note {{ background: #fff7e0; padding: 8px 12px; border-left: 3px solid #e0a800; }}
.sub {{ color: #555; }}
</style>
</head>
<body>
<h1>{escape_text(title)}</h1>
<p class="sub">{escape_text(sub)}</p>
{note}
<ul>
{chr(10).join(rows)}
</ul>
<p class="sub">{escape_text(offline)}</p>
</body>
</html>
"""
