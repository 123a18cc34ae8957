"""`lemmata list` and `show` answer from a metadata catalog cached by file hashes (verify/catalog.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lemmata.verify.catalog import catalog_key, load_catalog
from lemmata.verify.sources import theorem_files

pytestmark = pytest.mark.unit

_LIST_WITHOUT_TORCH = (
    "import sys; from lemmata.verify.cli import main; code = main(['list', '--json']); "
    "print('TORCH', 'torch' in sys.modules, 'SYMPY', 'sympy' in sys.modules, file=sys.stderr); sys.exit(code)"
)


def _list(cache: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEMMATA_CACHE_DIR": str(cache)}
    code = _LIST_WITHOUT_TORCH.replace("'list', '--json'", ", ".join(repr(a) for a in (*extra, "list", "--json")))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)


def test_list_from_the_cache_imports_neither_torch_nor_sympy(tmp_path: Path) -> None:
    first = _list(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "TORCH True" in first.stderr  # the first call builds the catalog from the modules
    second = _list(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "TORCH False SYMPY False" in second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_an_edited_theorem_file_rebuilds_the_catalog(write_theorem, tmp_path: Path) -> None:
    body = '''
    CLAIMS = [Claim(id="toycat.one", title="{title}", citation=CIT, kind=Kind.EXACT,
                    statement=sp.Eq(sp.Symbol("a"), 0), premises=lambda p: st.fixed_dictionaries({{}}),
                    run=lambda inst: {{"a": 0.0}}, tolerance=EXACT)]
    '''
    folder = write_theorem("toycat", body.format(title="first title"))
    key = catalog_key(theorem_files([folder], True))
    assert load_catalog([folder])["toycat.one"]["title"] == "first title"
    write_theorem("toycat", body.format(title="second title"))
    assert catalog_key(theorem_files([folder], True)) != key
    assert load_catalog([folder])["toycat.one"]["title"] == "second title"


def test_an_unwritable_cache_folder_costs_speed_not_the_answer(monkeypatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LEMMATA_CACHE_DIR", str(blocker / "sub"))
    assert "du2019.gd_linear_rate" in load_catalog()
