"""The HTML report in a real browser: headless Chromium renders every claim's section, the plots and
the math, loads nothing from the network, and leaves a screenshot (skipped without Chromium; `.ci/run`
installs Debian's `chromium` package)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.results import load as load_results

pytestmark = pytest.mark.unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND"]

REFUTED = '''
import sympy as sp
import torch
from hypothesis import strategies as st
from lemmata.verify import Citation, Claim, Kind, Regime, Tolerance, per_seed
x, y = sp.symbols("x y")
CLAIMS = [Claim(id="browsertoy.small", title="n <= 10 <script>alert(1)</script>", citation=Citation("Toy", "Lemma 1"),
    kind=Kind.EXACT, statement=sp.Lt(x, y),
    premises=lambda p: st.fixed_dictionaries({"n": st.integers(1, 50), "seed": st.integers(0, 9)}),
    run=lambda inst: {"x": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=torch.float64)), "y": 10.5},
    tolerance=Tolerance("exact integers")),
  Claim(id="browsertoy.asym", title="m >= 4", citation=Citation("Toy", "Theorem 2"), kind=Kind.ASYMPTOTIC,
    statement=sp.Ge(sp.Symbol("m"), 4), premises=lambda p: st.fixed_dictionaries({"seed": st.integers(0, 9)}),
    run=lambda inst: {"m": per_seed(torch.full((inst.S,), float(inst.premises["m"]), dtype=torch.float64))},
    tolerance=Tolerance("exact integers"), seeds=4,
    regime=Regime(size="m", ladder=lambda p, prof: [1, 2, 4, 8, 16], practical=sp.Integer(8), theory=sp.Integer(16),
                  note="toy regime", explicit=sp.Integer(1024), explicit_note="a toy proof"))]
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    (base / "th").mkdir()
    (base / "th" / "browsertoy.py").write_text(REFUTED, encoding="utf-8")
    (base / "th" / "browsernew.py").unlink(missing_ok=True)
    assert main(["new", "browsernew", "--dir", str(base / "th")]) == 0
    out = base / "R"
    assert main(["--theorems", str(base / "th"), "verify", "browsertoy", "browsernew", "--out", str(out),
                 "--report"]) == 1  # the toy is refuted; an invalid claim (exit 3) would test nothing here
    return out


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={cwd / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def _page_requests(netlog: Path) -> list[str]:
    """Network URLs the page itself requested. Chromium's own background requests (time sync, sign-in)
    carry the initiator "not an origin"; a request made by a file:// document has the opaque initiator "null"."""
    events = json.loads(netlog.read_text(encoding="utf-8"))["events"]
    return sorted({e["params"]["url"] for e in events
                   if "initiator" in e.get("params", {}) and e["params"]["initiator"] != "not an origin"
                   and e["params"].get("url", "").startswith(("http:", "https:", "ws:", "wss:"))})


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_the_request_check_sees_an_external_resource(tmp_path: Path) -> None:
    page = tmp_path / "ext.html"
    page.write_text('<html><body><img src="http://example.invalid/x.png"></body></html>', encoding="utf-8")
    netlog = tmp_path / "netlog.json"
    assert _chromium(f"--log-net-log={netlog}", "--dump-dom", page.as_uri(), cwd=tmp_path).returncode == 0
    assert _page_requests(netlog) == ["http://example.invalid/x.png"]


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_report_renders_offline_in_chromium(report: Path, tmp_path: Path) -> None:
    page = (report / "report.html").resolve()
    netlog = tmp_path / "netlog.json"
    shot = tmp_path / "report.png"
    dom = _chromium(f"--log-net-log={netlog}", "--dump-dom", page.as_uri(), cwd=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    results = load_results(report)
    for c in results["claims"]:
        slug = c["id"].replace(".", "-")
        assert f'id="{slug}"' in html, f"section of {c['id']} missing"
    assert "<svg" in html and "<math" in html, "plots (SVG) and math (MathML) must be inline"
    assert "<script" not in html.lower(), "escaped text must not become a script element"
    assert "lemmata" in html and "replay browsertoy.small" in html, "the counterexample's reproduce command is shown"
    # no request leaves the machine (see _page_requests; its teeth are tested below)
    assert not _page_requests(netlog), f"the report requested {_page_requests(netlog)}"
    # the first screen answers "what did we learn?": per-paper counts by role, the refutations, the tightness table
    # and the cross-paper width table with its plot all come before the items table and the per-paper sections
    order = [html.find(marker) for marker in (
        'class="headline"', '<table class="role-counts"', 'id="refutations"', '<table class="refutations"',
        '<table class="tightness"', '<table class="widths"', 'id="fig-widths-across-papers"', '<table class="items"',
        '<h2 id="paper-browsertoy"')]
    assert -1 not in order and order == sorted(order), order
    first = html[:order[-2]]
    assert "browsertoy.small" in first[first.find('<table class="refutations"'):], "the refutation is listed"
    assert '{"n": 11, "seed": 0}' in first.replace("&quot;", '"'), "with its shrunk counterexample"
    assert "<svg" in first[order[6]:], "the width plot is inline"
    shot_run = _chromium(f"--screenshot={shot}", "--window-size=1280,3000", page.as_uri(), cwd=tmp_path)
    assert shot_run.returncode == 0 and shot.stat().st_size > 10_000, shot_run.stderr[-2000:]
    shutil.copy(shot, report / "report-screenshot.png")
