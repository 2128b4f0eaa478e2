"""The stage's public face: landeval.inputs names what a user calls, loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import landeval.inputs
import landeval.inputs.model
import landeval.inputs.project
import landeval.inputs.read


def test_every_public_name_is_the_one_of_its_module():
    assert landeval.inputs.load_project is landeval.inputs.project.load_project
    assert landeval.inputs.read_table is landeval.inputs.read.read_table
    assert landeval.inputs.Inputs is landeval.inputs.model.Inputs
    for name in landeval.inputs.__all__:
        assert name in dir(landeval.inputs)
        assert getattr(landeval.inputs, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = landeval.inputs.nothing


@pytest.mark.parametrize("first", ["landeval.validate", "landeval.inputs", "landeval.inputs.units"])
def test_the_stage_and_validate_import_in_any_order(first):
    code = (
        f"import {first}\n"
        "import sys\n"
        "light = 'landeval.inputs.project' not in sys.modules\n"
        "from landeval.inputs import load_project\n"
        "from landeval.validate import validate_inputs\n"
        "print(light)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # Importing a leaf module (or validate) does not load the whole loader.
    assert done.stdout.strip() == "True"
