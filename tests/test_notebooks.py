"""Execute the walkthrough notebooks top to bottom, so that they never rot.

Each notebook runs with nbclient on the ``python3`` kernel (jupyter_client starts it with
the running interpreter) in a temporary working folder, where it writes its outputs. A cell
error fails the test; the assertions then read what the final cells printed.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TREATMENTS = ("EXIT", "CONVERT", "REBUILD", "UPGRADE", "KEEP")
# Generous: each notebook takes well under a minute on the demo.
_CELL_TIMEOUT_S = 600


@pytest.fixture
def python3_kernel(tmp_path_factory, monkeypatch):
    """A ``python3`` kernelspec that starts the running interpreter, found first.

    JUPYTER_PATH comes before the user's and the system's kernel folders, so a stray
    ``python3`` kernel of another Python on the machine cannot be picked up.
    """
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(root))
    return "python3"


def _demo_parcel_count() -> int:
    import pyogrio

    from landeval.demo import demo_project_dir

    info = pyogrio.read_info(demo_project_dir() / "parcels.gpkg", layer="parcels")
    return int(info["features"])


def _execute(name: str, workdir: Path):
    """Run a notebook in ``workdir``; return the executed notebook."""
    shutil.copy(NOTEBOOKS / name, workdir / name)
    nb = nbformat.read(workdir / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=_CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def _text(cell) -> str:
    """Everything a code cell showed: stream text and plain-text results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def _counts(text: str) -> dict[str, int]:
    """Treatment code → parcel count from lines like ``关停退出 EXIT: 369 宗``."""
    return {code: int(n) for code, n in re.findall(r"([A-Z]+): (\d+) 宗", text)}


def _outputs_are_empty(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    return all(not c.outputs and c.execution_count is None for c in code)


def test_committed_notebooks_have_no_outputs():
    for name in ("01_quickstart.ipynb", "02_your_data.ipynb", "03_method.ipynb"):
        assert _outputs_are_empty(NOTEBOOKS / name), name


def test_committed_notebooks_match_their_generator(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("nb_build", NOTEBOOKS / "_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        committed = (NOTEBOOKS / path.name).read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == committed, (
            f"{path.name} is stale: run python notebooks/_build.py"
        )


@pytest.mark.slow
@pytest.mark.usefixtures("python3_kernel")
def test_01_quickstart(tmp_path):
    nb = _execute("01_quickstart.ipynb", tmp_path)
    counts = _counts(_text(nb.cells[-1]))
    assert set(counts) == set(TREATMENTS)
    assert sum(counts.values()) == _demo_parcel_count()  # one treatment per parcel
    assert all(counts[c] > 0 for c in ("EXIT", "CONVERT", "REBUILD", "UPGRADE"))
    assert "关停退出 EXIT" in _text(nb.cells[-1])
    out = tmp_path / "out_quickstart"
    assert (out / "landeval.duckdb").is_file()
    assert (out / "maps" / "treatment_map.html").is_file()
    # The map is shown inline as an iframe.
    html = [
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/html" in o.get("data", {})
    ]
    assert any("<iframe srcdoc=" in h for h in html)
    # The review's round trip: one proposal confirmed, one overridden, one deferred, a 调档.
    shown = "".join(_text(c) for c in nb.cells if c.cell_type == "code")
    assert "复核：确认 1 宗，改变 1 宗，暂缓 1 宗" in shown
    assert "企业调档 1 家" in shown
    assert (tmp_path / "out_reviewed" / "review.xlsx").is_file()


@pytest.mark.slow
@pytest.mark.usefixtures("python3_kernel")
def test_02_your_data(tmp_path):
    nb = _execute("02_your_data.ipynb", tmp_path)
    project = tmp_path / "my_project"
    # The files a newcomer brings: a GBK shapefile without .cpg, a tax workbook.
    assert (project / "宗地.shp").is_file()
    assert not (project / "宗地.cpg").exists()
    assert (project / "税收.xlsx").is_file()
    toml = (project / "landeval.toml").read_text(encoding="utf-8")
    assert 'year = "所属年度"' in toml
    assert 'tax = "入库税款"' in toml
    # Nothing was written into the project folder by landeval; outputs went outside it.
    assert not (project / "landeval.duckdb").exists()
    assert (tmp_path / "my_output" / "actions.xlsx").is_file()
    texts = [_text(c) for c in nb.cells if c.cell_type == "code"]
    assert any("退出码 exit status: 0" in t for t in texts)
    final = texts[-1]
    assert "处置结果与示例项目结果一致" in final
    counts = _counts(final)
    assert set(counts) == set(TREATMENTS)
    assert sum(counts.values()) == _demo_parcel_count()


@pytest.mark.slow
@pytest.mark.usefixtures("python3_kernel")
def test_03_method(tmp_path):
    nb = _execute("03_method.ipynb", tmp_path)
    texts = [_text(c) for c in nb.cells if c.cell_type == "code"]
    assert any("手算结果与 landeval 一致" in t for t in texts)
    final = next(t for t in texts if "宗地的处置方式改变" in t)
    changed = re.search(r"(\d+) 宗地的处置方式改变", final)
    assert changed is not None
    assert int(changed.group(1)) > 0
    assert re.search(r"[A-Z]+ → [A-Z]+: \d+ 宗", final)
    assert (tmp_path / "method_maps" / "treatment_map.html").is_file()
    # The sensitivity table: nine rows (three values of three parameters), the listed share
    # rising as the FAR minima, the TAX_LOW threshold and the class bounds tighten.
    table = texts[-1]
    assert "列入四个一批 %" in table and "增容潜力 %" in table
    rows = [re.findall(r"\d+\.\d+", line) for line in table.splitlines()[2:]]
    listed = [float(numbers[-6]) for numbers in rows if len(numbers) >= 6]
    assert len(listed) == 9, table
    for first in (0, 3, 6):
        assert listed[first] <= listed[first + 1] <= listed[first + 2], table
