"""Round trip: parse, print, parse gives the same tree (spans aside), and printing is a
fixed point; checked on the whole corpus and on generated programs."""

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.engine import compile_program, nodes
from labs.engine.parser import parse
from labs.engine.printer import to_source

PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.st"))


def _shape(node):
    """The tree without source spans (and without display spellings of names)."""
    if isinstance(node, (tuple, list)):
        return tuple(_shape(x) for x in node)
    if isinstance(node, nodes.Span):
        return None
    if dataclasses.is_dataclass(node):
        fields = [f.name for f in dataclasses.fields(node) if f.name != "span"]
        return (type(node).__name__, *[_shape(getattr(node, name)) for name in fields])
    return node


def _round_trip(source: str) -> None:
    tree, diagnostics = parse(source)
    assert diagnostics == []
    printed = to_source(tree)
    again, diagnostics = parse(printed)
    assert diagnostics == [], printed
    assert _shape(again) == _shape(tree)
    assert to_source(again) == printed


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_corpus_programs_round_trip(path):
    """Every corpus program prints back to source that parses to the same tree."""
    _round_trip(path.read_text())


def test_printed_program_behaves_the_same():
    """A printed program compiles to the same behaviour (same variables after scans)."""
    from labs.engine import Runtime

    source = (Path(__file__).parent / "programs" / "for_loops.st").read_text()
    printed = to_source(parse(source)[0])
    a, b = Runtime(compile_program(source)), Runtime(compile_program(printed))
    a.scan()
    b.scan()
    assert a.snapshot()["programs"] == b.snapshot()["programs"]


STRINGS = st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=20)


@settings(max_examples=100, deadline=None)
@given(STRINGS, st.integers(-(2**63), 2**63), st.floats(allow_nan=False, allow_infinity=False))
def test_literals_round_trip(text, number, real):
    """Strings with any characters, big integers and any finite REAL survive printing."""
    literal = text.replace("$", "$$").replace("'", "$'")
    literal = "".join(c if ord(c) >= 32 and c != "\x7f" else f"${ord(c):02X}" for c in literal)
    _round_trip(
        f"PROGRAM P VAR s : STRING; i : LINT; r : LREAL; END_VAR\n"
        f"s := '{literal}';\ni := {number};\nr := {real!r};\nEND_PROGRAM"
    )
