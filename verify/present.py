"""How a claim is shown to a person: its statement as MathML, its premises, a reproduce command.

Kept apart from the search and the decision: nothing here changes a verdict.
"""

from __future__ import annotations

import html
import json
import re
import shlex
from typing import Any, Mapping, Sequence

import sympy

from lemmata.verify.claim import Claim
from lemmata.verify.profiles import Profile
from lemmata.verify.trial import json_scalar


def premises_text(claim: Claim, profile: Profile) -> str:
    """The premise strategy as drawn under this profile (Hypothesis's own repr, one line)."""
    try:
        return " ".join(repr(claim.premises(profile)).split())
    except Exception as err:  # the strategy itself raised: that is reported by the search anyway
        return f"<unavailable: {type(err).__name__}>"


def mathml(expr: sympy.Basic) -> str:
    """Presentation MathML of the statement, safe to embed in HTML (or "" when it cannot be made safe).

    sympy leaves text nodes unescaped (a strict ``<`` becomes ``<mo><</mo>``), so symbol names are
    HTML-escaped first, the relation operators are rewritten as entities, and the result must parse
    as XML; anything else falls back to the plain-text statement.
    """
    import xml.etree.ElementTree as ET

    from sympy.printing.mathml import mathml as sympy_mathml

    try:
        safe = expr.xreplace({s: sympy.Symbol(html.escape(s.name)) for s in expr.free_symbols})
        body = sympy_mathml(safe, printer="presentation")
        body = body.replace("<mo><</mo>", "<mo>&lt;</mo>").replace("<mo>></mo>", "<mo>&gt;</mo>")
        doc = f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">{body}</math>'
        from lemmata.verify.report_view import safe_mathml

        return safe_mathml(doc)
    except Exception:  # sympy cannot print every Boolean; the plain-text statement is shown instead
        return ""


def reproduce_command(claim: Claim, premises: Mapping[str, Any], profile: Profile, device: str,
                      prefix: Sequence[str] | str) -> str:
    """The ``lemmata replay`` command that re-runs one example exactly."""
    blob = json.dumps({k: json_scalar(v) for k, v in premises.items()}, sort_keys=True)
    if isinstance(prefix, str):
        prefix = shlex.split(prefix)
    return shlex.join([*prefix, "replay", claim.id, "--premises", blob, "--profile", profile.name, "--device", device])
