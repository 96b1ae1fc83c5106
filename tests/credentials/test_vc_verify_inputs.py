"""Malformed and hostile inputs get a clear, bilingual message and never crash or hang."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from PIL import Image
from vc_paths import OB_FIXTURES

from credentials import vc
from credentials.vc import baking


def _parsed(data) -> vc.Check:
    result = vc.verify_credential(data)
    assert result.verdict == "invalid"
    check = result.check("parsed")
    assert check.outcome == "failed"
    assert check.message_en and check.message_zh
    # every check is still listed, the later ones as "not checked"
    assert [c.name for c in result.checks] == list(vc.verify.CHECK_NAMES)
    assert {c.code for c in result.checks[1:]} == {"check_skipped"}
    return check


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("this is not json", "input_not_json"),
        (b'{"a": 1,}', "input_not_json"),
        ('{"a": NaN}', "input_not_json"),
        (b"\xff\xfe\x00garbage", "input_not_json"),
        ("", "input_empty"),
        ("   ", "input_empty"),
        (None, "input_empty"),
        ("[1, 2, 3]", "input_not_object"),
        ('"just a string"', "input_not_object"),
        (12345, "input_unsupported_type"),
    ],
)
def test_not_json_or_not_an_object(data, code: str) -> None:
    """Non-JSON, empty and non-object inputs are reported with their own code."""
    assert _parsed(data).code == code


def test_ten_megabytes_is_refused_before_parsing() -> None:
    """A 10 MB JSON document is refused by size, with the limit in the message."""
    big = '{"name": "' + "x" * (10 * 1024 * 1024) + '"}'
    check = _parsed(big)
    assert check.code == "input_too_large"
    assert "1024 KB" in check.message_en and "1024 KB" in check.message_zh
    assert _parsed(big.encode()).code == "input_too_large"


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused(depth: int) -> None:
    """Nesting beyond the limit (including far beyond Python's recursion limit) is refused."""
    text = '{"a":' * depth + "1" + "}" * depth
    assert _parsed(text).code == "input_too_deep"
    assert _parsed("[" * depth + "]" * depth).code == "input_too_deep"


def test_deeply_nested_dict_input_is_refused() -> None:
    """A deeply nested dict passed directly is refused without recursion errors."""
    node: dict = {}
    root = node
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    assert _parsed(root).code == "input_too_deep"


def test_png_without_credential_chunk() -> None:
    """An ordinary PNG: 'does not contain an Open Badges credential', in both languages."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buf, "PNG")
    check = _parsed(buf.getvalue())
    assert check.code == "png_no_credential"
    assert "徽章" in check.message_zh


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def test_png_bomb_is_refused() -> None:
    """A PNG declaring 100000x100000 pixels with a compressed credential chunk that inflates
    to 64 MB: refused by size without decoding pixels or inflating everything."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    text = b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(b"[" * (64 * 1024 * 1024), 9)
    bomb = (
        baking.PNG_SIGNATURE
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"iTXt", text)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 100_001))
        + _chunk(b"IEND", b"")
    )
    assert _parsed(bomb).code == "png_too_large"


def test_png_carrying_garbage_json() -> None:
    """A PNG whose chunk holds non-JSON text reports 'not valid JSON'."""
    buf = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buf, "PNG")
    baked = baking.bake_png(buf.getvalue(), "not json at all {")
    assert _parsed(baked).code == "input_not_json"


def test_caller_dict_is_not_modified() -> None:
    """Verification works on a private copy; the caller's dict is unchanged."""
    cred = json.loads((OB_FIXTURES / "simple.json").read_text())
    before = json.dumps(cred, sort_keys=True)
    vc.verify_credential(cred)
    assert json.dumps(cred, sort_keys=True) == before


@pytest.mark.parametrize(
    "mutation",
    [
        {"proof": "not an object"},
        {"proof": [1, 2, None]},
        {"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}},
        {"validFrom": "yesterday"},
        {"validUntil": 42},
        {"issuer": ["a", "b"]},
        {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}},
        {"credentialStatus": [None, 3]},
        {"@context": 5},
        {"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": "http://x/"}]},
        {"type": 3},
        {"credentialSubject": [1, "x"]},
    ],
)
def test_hostile_fields_never_crash(mutation: dict) -> None:
    """Odd field values produce a result (invalid or unverified), never an exception."""
    cred = json.loads((OB_FIXTURES / "simple.json").read_text())
    cred.update(mutation)
    result = vc.verify_credential(cred, lambda url: {"id": url})
    assert result.verdict in ("invalid", "unverified")
    assert all(c.message_en and c.message_zh for c in result.checks)


def test_hostile_resolver_answers() -> None:
    """Resolver answers that are huge, not JSON, or the wrong shape are 'could not fetch'."""
    raw = (OB_FIXTURES / "simple.json").read_bytes()
    for answer in ("x" * (2 * 1024 * 1024), "not json", [1, 2], b"\x00\x01", 7):
        result = vc.verify_credential(raw, lambda url, a=answer: a)
        assert result.check("issuer_key").outcome == "unknown", answer
        assert result.verdict == "unverified"


def _poison_graph(n: int) -> dict:
    """A credential whose subject links n blank nodes to each other (an RDFC "poison
    graph": unbounded canonicalization would take minutes for n = 8)."""
    nodes = [
        {"@id": f"_:n{i}", "knows": [{"@id": f"_:n{j}"} for j in range(n) if j != i]}
        for i in range(n)
    ]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject", "knows": nodes},
    }


def test_poison_graph_is_refused_quickly() -> None:
    """Canonicalizing a crafted blank-node clique stops at the RDFC-1.0 work limit instead of
    running for minutes, and the verifier reports it as an overload attempt."""
    from credentials.vc import jsonld
    from credentials.vc.errors import JsonLdProcessingError

    with pytest.raises(JsonLdProcessingError) as info:
        jsonld.canonize(_poison_graph(12))
    assert info.value.code == "jsonld_too_complex"
    kp = vc.generate_keypair()
    did = vc.did_key_for(kp)
    doc = _poison_graph(1)  # a single blank node: nothing to permute
    signed = vc.sign_credential(doc, kp, vc.did_key_verification_method(did))
    signed["credentialSubject"] = _poison_graph(12)["credentialSubject"]  # ...then inflated
    result = vc.verify_credential(signed)
    assert result.verdict == "invalid"
    assert result.check("integrity").code == "jsonld_too_complex"
    assert result.check("integrity").message_zh


def test_too_many_values_is_refused_before_json_ld() -> None:
    """A credential padded with thousands of evidence entries (each costs JSON-LD and RDFC
    work) is refused up front with the limit named, instead of taking minutes."""
    cred = json.loads((OB_FIXTURES / "simple.json").read_text())
    cred["evidence"] = [{"type": ["Evidence"], "name": f"e{i}"} for i in range(3000)]
    check = _parsed(cred)
    assert check.code == "input_too_complex"
    assert "2500" in check.message_en and "2500" in check.message_zh
    assert _parsed(json.dumps(cred)).code == "input_too_complex"


def test_the_largest_1edtech_fixture_is_well_within_the_value_limit() -> None:
    """complete.json (the richest official example) is far below the limit."""
    from credentials.vc import verify

    cred = json.loads((OB_FIXTURES / "complete.json").read_text())
    assert verify._shape_problem(cred) is None
    padded = {"evidence": [cred] * 5}
    assert verify._shape_problem(padded) == "input_too_complex"


@pytest.mark.parametrize(("suite", "rounds"), [(vc.JCS, 200), (vc.RDFC, 100)])
def test_random_mutations_never_crash_and_are_never_valid(suite: str, rounds: int) -> None:
    """Seeded random mutations of a signed credential (deleted keys, swapped value types,
    odd strings, JSON-LD keywords, nested junk): the verifier always returns a result with
    every check, and never "valid" - except, for eddsa-rdfc-2022, when the change leaves the
    signed RDF graph identical (e.g. removing the issuer's name from one of its two copies),
    which that cryptosuite by design cannot and need not see."""
    import copy
    import random

    from vc_factories import NOW, Institution, issue

    from credentials.vc import jsonld

    inst = Institution()
    inst.publish()
    original = issue(inst, cryptosuite=suite)
    junk = [None, True, 0, -1, 2**70, 1.5, "", "x" * 300, "\u202e\u0000", "\ud800", [], {},
            [[[]]], {"@id": "_:b0"}, {"type": "Evil"}, "https://evil.example/", "_:b1",
            {"@context": {"@vocab": "http://x/"}}, {"@value": 1, "@type": "x"},
            {"@list": [1]}]  # fmt: skip
    keywords = ["@id", "@type", "@value", "@list", "@graph", "@index", "@nest", "@json"]
    rng = random.Random(20261126)

    def containers(node, out):
        if isinstance(node, dict):
            out.append(node)
            for v in node.values():
                containers(v, out)
        elif isinstance(node, list):
            out.append(node)
            for v in node:
                containers(v, out)
        return out

    def unsigned(doc):
        return {k: v for k, v in doc.items() if k != "proof"}

    for _ in range(rounds):
        cred = copy.deepcopy(original)
        for _ in range(rng.randint(1, 3)):
            target = rng.choice(containers(cred, []))
            if isinstance(target, dict) and target:
                key = rng.choice(list(target))
                roll = rng.random()
                if roll < 0.2:
                    del target[key]
                elif roll < 0.35:
                    target[rng.choice(keywords)] = copy.deepcopy(rng.choice(junk))
                else:
                    target[key] = copy.deepcopy(rng.choice(junk))
            elif isinstance(target, list) and target:
                target[rng.randrange(len(target))] = copy.deepcopy(rng.choice(junk))
        if cred == original:
            continue
        result = vc.verify_credential(cred, inst.resolver, now=NOW)
        assert [c.name for c in result.checks] == list(vc.verify.CHECK_NAMES)
        if result.verdict == "valid":
            assert suite == vc.RDFC and cred["proof"] == original["proof"], cred
            assert jsonld.canonize(unsigned(cred)) == jsonld.canonize(unsigned(original))


@pytest.mark.parametrize(
    "text",
    [
        '{"big": 123456789012345678901234567890, "neg": -9223372036854775809}',
        '{"f": 1.0, "g": 1e400, "h": -0.0, "i": 1E2}',
        '{"a": 1, "a": 2}',
        '{"s": "\\ud800 lone surrogate escape", "t": "\\u0000\\u001f\\u007f \\u2028"}',
        '{"k": 9007199254740993, "l": [true, false, null, "中文"]}',
    ],
)
def test_fast_parser_reads_exactly_what_the_standard_library_reads(text: str) -> None:
    """The orjson fast path never changes a value: huge integers stay integers, floats and
    overflowing numbers, duplicate keys and lone surrogate escapes read as json.loads reads
    them (the signature is checked over what was read)."""
    got, _scan = vc.verify._loads(text)
    expected = json.loads(text)
    assert got == expected
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
