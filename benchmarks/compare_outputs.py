"""Compare two landeval output folders: store tables, workbook cells, CSV bytes, GeoPackage.

A refactoring must not change results. Run the same project with the old and the new code
into two folders, then::

    python benchmarks/compare_outputs.py OLD_OUT NEW_OUT

It prints one line per part and exits 1 when anything differs:

- every table of ``landeval.duckdb`` (as Arrow tables: same columns, types and values, in the
  same row order), except the times and paths in ``run_info`` and ``input_files``;
- every cell of every sheet of ``actions.xlsx`` (the sheet XML byte for byte, else the cell
  values read back with openpyxl, so that a formatting-only change is named as such);
- the bytes of ``actions.csv``;
- every layer of ``parcels.gpkg`` (attributes and WKB geometry);
- the report and the map pages, for information (``--strict-html`` makes them count).
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa

# run_info keys that differ between two runs of the same inputs.
VOLATILE_INFO = {"started", "finished", "project_dir"}


def _store_tables(path: Path) -> dict[str, pa.Table]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: con.sql(f'SELECT * FROM "{n}"').to_arrow_table() for n in names}


def _stable(name: str, table: pa.Table) -> pa.Table:
    """Drop what legitimately differs between two runs of the same inputs."""
    if name == "run_info":
        keep = [k not in VOLATILE_INFO for k in table.column("key").to_pylist()]
        return table.filter(pa.array(keep))
    if name == "input_files" and "path" in table.column_names:
        return table.drop_columns(["path"])
    return table


def compare_store(old: Path, new: Path) -> list[str]:
    """Differences between two stores, one sentence each (empty when equal)."""
    a, b = _store_tables(old), _store_tables(new)
    out = [f"store: table {n} only in the old run" for n in sorted(set(a) - set(b))]
    out += [f"store: table {n} only in the new run" for n in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        ta, tb = _stable(name, a[name]), _stable(name, b[name])
        if ta.schema != tb.schema:
            out.append(f"store: {name}: schema differs\n  old {ta.schema}\n  new {tb.schema}")
        elif ta.num_rows != tb.num_rows:
            out.append(f"store: {name}: {ta.num_rows} rows against {tb.num_rows}")
        elif not ta.equals(tb):
            cols = [c for c in ta.column_names if not ta.column(c).equals(tb.column(c))]
            out.append(f"store: {name}: values differ in {cols}")
    return out


def _sheet_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {
            n: z.read(n)
            for n in z.namelist()
            if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"
        }


def compare_workbook(old: Path, new: Path) -> list[str]:
    """Differences between two workbooks, cell by cell where the sheet XML differs."""
    if _sheet_parts(old) == _sheet_parts(new):
        return []
    from openpyxl import load_workbook  # noqa: PLC0415 - only when the bytes differ

    wa = load_workbook(old, read_only=True)
    wb = load_workbook(new, read_only=True)
    out: list[str] = []
    if wa.sheetnames != wb.sheetnames:
        out.append(f"workbook: sheets {wa.sheetnames} against {wb.sheetnames}")
    for name in [s for s in wa.sheetnames if s in wb.sheetnames]:
        rows_a = list(wa[name].iter_rows(values_only=True))
        rows_b = list(wb[name].iter_rows(values_only=True))
        if rows_a == rows_b:
            continue
        first = next(
            (i for i, (x, y) in enumerate(zip(rows_a, rows_b, strict=False)) if x != y),
            min(len(rows_a), len(rows_b)),
        )
        out.append(
            f"workbook: sheet {name}: {len(rows_a)} rows against {len(rows_b)}; first "
            f"difference in row {first + 1}"
        )
    if not out:
        out.append("workbook: same cells, different formatting (sheet XML differs)")
    return out


def compare_geopackage(old: Path, new: Path) -> list[str]:
    """Differences between two GeoPackages, layer by layer."""
    import pyogrio  # noqa: PLC0415

    la = [n for n, _ in pyogrio.list_layers(old)]
    lb = [n for n, _ in pyogrio.list_layers(new)]
    out = [] if la == lb else [f"geopackage: layers {la} against {lb}"]
    for layer in [n for n in la if n in lb]:
        _, ta = pyogrio.read_arrow(old, layer=layer)
        _, tb = pyogrio.read_arrow(new, layer=layer)
        if not ta.equals(tb):
            out.append(f"geopackage: layer {layer} differs")
    return out


def _bytes_equal(old: Path, new: Path, what: str) -> list[str]:
    if not old.exists() and not new.exists():
        return []
    if not old.exists() or not new.exists():
        return [f"{what}: present in one run only"]
    return [] if old.read_bytes() == new.read_bytes() else [f"{what}: bytes differ"]


def compare(old: Path, new: Path, *, strict_html: bool = False) -> tuple[list[str], list[str]]:
    """(differences, notes): what differs in results, and what differs in the HTML pages."""
    diffs = compare_store(old / "landeval.duckdb", new / "landeval.duckdb")
    diffs += compare_workbook(old / "actions.xlsx", new / "actions.xlsx")
    diffs += _bytes_equal(old / "actions.csv", new / "actions.csv", "actions.csv")
    diffs += compare_geopackage(old / "parcels.gpkg", new / "parcels.gpkg")
    notes = _bytes_equal(old / "report.html", new / "report.html", "report.html")
    pages = sorted(
        {p.name for p in (old / "maps").glob("*.html")}
        | {p.name for p in (new / "maps").glob("*.html")}
    )
    for page in pages:
        notes += _bytes_equal(old / "maps" / page, new / "maps" / page, f"maps/{page}")
    if strict_html:
        return diffs + notes, []
    return diffs, notes


def main(argv: list[str] | None = None) -> int:
    """Command line: ``compare_outputs.py OLD NEW [--strict-html]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--strict-html", action="store_true")
    args = parser.parse_args(argv)
    diffs, notes = compare(args.old, args.new, strict_html=args.strict_html)
    for line in diffs:
        print("DIFFERS", line)
    for line in notes:
        print("note   ", line)
    if not diffs:
        print("identical: store tables, workbook cells, CSV bytes, GeoPackage layers")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
