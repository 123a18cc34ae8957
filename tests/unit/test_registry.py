"""Unit tests for verify.registry: discovery, validation of claims, and selection by pattern."""

from __future__ import annotations

import re

from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from lemmata.verify.claim import Claim
from lemmata.verify.errors import ClaimDefinitionError, UnknownClaimError
from lemmata.verify.registry import load_claims, select, spec_hash, validate

pytestmark = pytest.mark.unit

COMMON = '''
x = sp.Symbol("x")

def prem(profile):
    return st.fixed_dictionaries({"n": st.integers(1, 5), "seed": st.integers(0, 10)})

def run(inst):
    return {"x": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=inst.dtype))}

def claim(name, stem=None, **kw):
    base = dict(id=f"{stem or __name__.rsplit('.', 1)[-1]}.{name}", title=f"claim {name}", citation=CIT,
                kind=Kind.EXACT, statement=sp.Ge(x, 1), premises=prem, run=run, tolerance=EXACT)
    base.update(kw)
    return Claim(**base)
'''


def load(d: Path) -> dict[str, Claim]:
    return load_claims([d], include_builtin=False)


@pytest.fixture
def paper(write_theorem: Callable[..., Path]) -> Callable[[str], Path]:
    """Write ``paperx.py`` with COMMON helpers plus ``claims_src`` (the CLAIMS list); return its path."""

    def make(claims_src: str, stem: str = "paperx") -> Path:
        d = write_theorem(stem, COMMON + "\n" + claims_src)
        return d / f"{stem}.py"

    return make


def test_valid_file_loads_in_declaration_order(paper) -> None:
    path = paper('CLAIMS = [claim("b_first"), claim("a_second"), claim("c_third")]')
    claims = load(path.parent)
    assert list(claims) == ["paperx.b_first", "paperx.a_second", "paperx.c_third"]
    c = claims["paperx.a_second"]
    assert c.paper == "paperx"
    assert c.source_file == str(path)
    assert len(spec_hash(c)) == 16
    assert spec_hash(replace(c, source_file=str(path.parent / "gone.py"))) == ""


def test_files_starting_with_underscore_are_skipped(write_theorem) -> None:
    d = write_theorem("_helpers", "raise RuntimeError('must not be imported')\n", header=False)
    write_theorem("_draft", "CLAIMS = 3\n", header=False)
    write_theorem("okpaper", COMMON + 'CLAIMS = [claim("one")]\n')
    assert list(load(d)) == ["okpaper.one"]


def test_several_files_and_folders(write_theorem) -> None:
    d1 = write_theorem("alpha", COMMON + 'CLAIMS = [claim("one")]\n', folder="a")
    write_theorem("beta", COMMON + 'CLAIMS = [claim("two")]\n', folder="a")
    d2 = write_theorem("gamma", COMMON + 'CLAIMS = [claim("three")]\n', folder="b")
    claims = load_claims([d1, d2], include_builtin=False)
    assert list(claims) == ["alpha.one", "beta.two", "gamma.three"]


def test_missing_folder_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ClaimDefinitionError, match=str(missing)):
        load_claims([missing], include_builtin=False)


@pytest.mark.parametrize("claims_src,fragment", [
    ('CLAIMS = [claim("bad", tolerance=Tolerance(reason="  "))]', "tolerance needs a reason"),
    ('CLAIMS = [claim("bad", tolerance=Tolerance(reason="r", atol=-1.0))]', "atol"),
    ('CLAIMS = [claim("bad", tolerance=Tolerance(reason="r", rtol=math.nan))]', "rtol"),
    ('CLAIMS = [claim("bad", kind=Kind.PROBABILISTIC)]', "delta"),
    ('CLAIMS = [claim("bad", kind=Kind.PROBABILISTIC, delta=1.5)]', "delta"),
    ('CLAIMS = [claim("bad", kind=Kind.ASYMPTOTIC)]', "regime"),
    ('CLAIMS = [claim("bad", expect="breaks")]', "broken_premise"),
    ('CLAIMS = [claim("bad", title=" ")]', "title"),
    ('CLAIMS = [claim("bad", citation=Citation(paper="P", where=""))]', "citation"),
    ('CLAIMS = [claim("bad", citation=Citation(paper="P", where="Thm 1", source="recalled"))]', "recalled"),
    ('CLAIMS = [claim("bad", statement=sp.Or(sp.Le(x, 1), sp.Ge(x, 3)))]', "Or"),
    ('CLAIMS = [claim("bad", statement=sp.Le(1, 2))]', "constant"),
    ('CLAIMS = [claim("bad", seeds=0)]', "seeds"),
    ('CLAIMS = [claim("bad", run=None)]', "callables"),
    ('CLAIMS = [claim("bad", control_of="paperx.nosuch", expect="breaks", broken_premise="p")]', "control_of"),
    ('CLAIMS = [claim("one"), claim("one")]', "already declared"),
    ('CLAIMS = [claim("bad", role="theorem")]', "role must be one of claim, check, control, finding"),
    ('CLAIMS = [claim("bad", role="control")]', "a control (role='control')"),
    ('CLAIMS = [claim("bad", role="finding", expect="breaks", broken_premise="p")]', "a control (role='control')"),
    ('CLAIMS = [claim("bad", nonfinite="ignore")]', "nonfinite"),
    ('CLAIMS = [claim("bad", examples_scale=0)]', "examples_scale"),
])
def test_malformed_claim_names_claim_and_file(paper, claims_src: str, fragment: str) -> None:
    path = paper(claims_src)
    with pytest.raises(ClaimDefinitionError) as info:
        load(path.parent)
    msg = str(info.value)
    assert fragment in msg
    assert "paperx." in msg  # the claim id
    assert str(path) in msg  # the file


def test_id_must_match_the_file_stem(paper) -> None:
    path = paper('CLAIMS = [claim("one", stem="otherpaper")]')
    with pytest.raises(ClaimDefinitionError) as info:
        load(path.parent)
    msg = str(info.value)
    assert "otherpaper.one" in msg and str(path) in msg and "'paperx'" in msg


@pytest.mark.parametrize("bad_id", ["paperx", "paperx.Upper", "paperx.a.b", "paperx.1x", "paperx.has-dash"])
def test_id_format_is_checked(paper, bad_id: str) -> None:
    path = paper(f'CLAIMS = [claim("x", id="{bad_id}")]')
    with pytest.raises(ClaimDefinitionError) as info:
        load(path.parent)
    assert bad_id in str(info.value) and str(path) in str(info.value)


def test_duplicate_id_across_files_names_both_files(write_theorem) -> None:
    d = write_theorem("paperx", COMMON + 'CLAIMS = [claim("one")]\n', folder="a")
    d2 = write_theorem("paperx", COMMON + 'CLAIMS = [claim("one")]\n', folder="b")
    with pytest.raises(ClaimDefinitionError) as info:
        load_claims([d, d2], include_builtin=False)
    msg = str(info.value)
    assert "paperx.one" in msg and str(d / "paperx.py") in msg and str(d2 / "paperx.py") in msg


def test_file_without_claims_names_the_file(write_theorem) -> None:
    d = write_theorem("noclaims", "X = 1\n")
    with pytest.raises(ClaimDefinitionError, match=r"noclaims\.py.*CLAIMS"):
        load(d)


def test_claims_not_a_list(write_theorem) -> None:
    d = write_theorem("notalist", "CLAIMS = 'paperx.one'\n")
    with pytest.raises(ClaimDefinitionError, match=r"notalist\.py.*list"):
        load(d)


def test_claims_holding_a_non_claim(write_theorem) -> None:
    d = write_theorem("notaclaim", "CLAIMS = [42]\n")
    with pytest.raises(ClaimDefinitionError, match=r"notaclaim\.py.*int"):
        load(d)


def test_import_error_names_the_file_and_the_error(write_theorem) -> None:
    d = write_theorem("broken", "import math\nraise RuntimeError('exploded at import')\n", header=False)
    with pytest.raises(ClaimDefinitionError) as info:
        load(d)
    msg = str(info.value)
    assert str(d / "broken.py") in msg and "RuntimeError" in msg and "exploded at import" in msg


def test_syntax_error_names_the_file(write_theorem) -> None:
    d = write_theorem("syntax", "CLAIMS = [\n", header=False)
    with pytest.raises(ClaimDefinitionError, match=r"syntax\.py.*SyntaxError"):
        load(d)


def test_control_of_a_registered_claim_loads(paper) -> None:
    path = paper(
        'parent = claim("parent")\n'
        'def broken(profile):\n'
        '    return st.fixed_dictionaries({"n": st.integers(-3, 0), "seed": st.just(0)})\n'
        'CLAIMS = [parent, control(parent, name="parent_ctl", premises=broken, broken="n >= 1")]\n'
    )
    claims = load(path.parent)
    ctl = claims["paperx.parent_ctl"]
    assert ctl.expect == "breaks" and ctl.control_of == "paperx.parent" and ctl.broken_premise == "n >= 1"
    assert ctl.title.startswith("control for paperx.parent")


def test_validate_rejects_non_claim_objects(tmp_path: Path) -> None:
    with pytest.raises(ClaimDefinitionError, match="not a verify.Claim"):
        validate("paperx.one", tmp_path / "paperx.py")  # type: ignore[arg-type]


# --- select -----------------------------------------------------------------------------------

@pytest.fixture
def registry(write_theorem) -> dict[str, Claim]:
    d = write_theorem("alpha", COMMON + 'CLAIMS = [claim("one"), claim("two"), claim("three")]\n')
    write_theorem("beta", COMMON + 'CLAIMS = [claim("one"), claim("twin")]\n')
    return load(d)


def ids(claims: list[Claim]) -> list[str]:
    return [c.id for c in claims]


def test_select_no_pattern_returns_all(registry) -> None:
    assert ids(select(registry, [])) == list(registry)


def test_select_exact_id(registry) -> None:
    assert ids(select(registry, ["alpha.two"])) == ["alpha.two"]


def test_select_paper_prefix(registry) -> None:
    assert ids(select(registry, ["beta"])) == ["beta.one", "beta.twin"]


def test_select_glob(registry) -> None:
    assert ids(select(registry, ["*.tw*"])) == ["alpha.two", "beta.twin"]
    assert ids(select(registry, ["alpha.t?o"])) == ["alpha.two"]
    assert ids(select(registry, ["*.one"])) == ["alpha.one", "beta.one"]


def test_select_deduplicates_overlapping_patterns(registry) -> None:
    assert ids(select(registry, ["alpha.one", "alpha", "*.one"])) == ["alpha.one", "alpha.two", "alpha.three",
                                                                       "beta.one"]


def test_select_is_case_sensitive_and_exact(registry) -> None:
    with pytest.raises(UnknownClaimError):
        select(registry, ["ALPHA"])
    with pytest.raises(UnknownClaimError):
        select(registry, ["alpha.on"])  # not a prefix match


def test_select_unknown_pattern_names_it_and_the_papers(registry) -> None:
    with pytest.raises(UnknownClaimError) as info:
        select(registry, ["alpha.one", "nosuch*"])
    msg = str(info.value)
    assert "'nosuch*'" in msg and "alpha" in msg and "beta" in msg
    assert "\n" not in msg


@pytest.mark.parametrize("coverage_src,fragment", [
    ('COVERAGE = [Covered(where="Thm 1", statement="s", status="encoded")]', "names no claims"),
    ('COVERAGE = [Covered(where="Thm 1", statement="s", status="not yet")]', "needs why="),
    ('COVERAGE = [Covered(where="Thm 1", statement="s", status="maybe", why="w")]', "status must be one of"),
    ('COVERAGE = [Covered(where="Thm 1", statement="s", status="encoded", claims=("paperx.nosuch",))]',
     "paperx.nosuch, not items of paperx"),
    ('COVERAGE = ["Theorem 1"]', "not a verify.Covered"),
])
def test_a_malformed_coverage_map_names_the_file_and_the_entry(paper, coverage_src: str, fragment: str) -> None:
    from lemmata.verify.registry import load_coverage

    path = paper('from lemmata.verify import Covered\nCLAIMS = [claim("one")]\n' + coverage_src)
    claims = load(path.parent)
    with pytest.raises(ClaimDefinitionError, match=re.escape(fragment)):
        load_coverage(claims, [path.parent], include_builtin=False)


def test_a_valid_coverage_map_loads_by_paper(paper) -> None:
    from lemmata.verify.registry import load_coverage

    path = paper('from lemmata.verify import Covered\nCLAIMS = [claim("one")]\nCOVERAGE = [Covered(where="Thm 1", '
                 'statement="s", status="encoded", claims=("paperx.one",))]')
    cov = load_coverage(load(path.parent), [path.parent], include_builtin=False)
    assert [e.where for e in cov["paperx"]] == ["Thm 1"]
