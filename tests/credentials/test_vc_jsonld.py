"""Pinned contexts, the refusing document loader and safe-mode expansion."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from vc_paths import OB_FIXTURES, SHARED_VC, W3C, load_json, read_text

from credentials.vc import jsonld
from credentials.vc.errors import ContextError, UnsafeJsonLdError


def test_every_pinned_context_matches_the_published_copy() -> None:
    """Each bundled context is byte-identical to the shared published dump and its manifest
    hash is the sha256 of the bundled file."""
    index = load_json(SHARED_VC / "contexts" / "dump" / "index.json")
    pinned = jsonld.pinned_contexts()
    assert jsonld.VC_V2_CONTEXT in pinned and jsonld.OB_V3P0_CONTEXT in pinned
    for url, ctx in pinned.items():
        published = (SHARED_VC / "contexts" / "dump" / index[url]).read_bytes()
        bundled = (jsonld.CONTEXT_DIR / ctx.file).read_bytes()
        assert bundled == published, url
        assert hashlib.sha256(bundled).hexdigest() == ctx.sha256


def test_a_tampered_context_file_is_refused(tmp_path, monkeypatch) -> None:
    """If a bundled file no longer matches its manifest hash, loading fails."""
    for ctx in jsonld.pinned_contexts().values():
        (tmp_path / ctx.file).write_bytes((jsonld.CONTEXT_DIR / ctx.file).read_bytes())
    manifest = json.loads(jsonld.MANIFEST_PATH.read_text())
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    target = manifest["contexts"][jsonld.VC_V2_CONTEXT]["file"]
    (tmp_path / target).write_text('{"@context": {"@vocab": "https://evil.example/#"}}')
    monkeypatch.setattr(jsonld, "CONTEXT_DIR", tmp_path)
    monkeypatch.setattr(jsonld, "MANIFEST_PATH", tmp_path / "manifest.json")
    jsonld.pinned_contexts.cache_clear()
    try:
        with pytest.raises(ContextError) as info:
            jsonld.pinned_contexts()
        assert info.value.code == "context_tampered"
    finally:
        jsonld.pinned_contexts.cache_clear()


def test_loader_serves_pinned_and_refuses_other_urls() -> None:
    """The loader returns a pinned document and refuses any URL it does not ship."""
    doc = jsonld.document_loader(jsonld.VC_V2_CONTEXT)
    assert doc["document"]["@context"]["@protected"] is True
    for url in ("https://evil.example/context.json", "file:///etc/passwd", "http://127.0.0.1/"):
        with pytest.raises(ContextError, match="not one of the contexts"):
            jsonld.document_loader(url)


def test_canonize_reproduces_w3c_rdfc_vector() -> None:
    """RDFC-1.0 canonical N-Quads of the W3C unsigned credential match the vector exactly."""
    expected = read_text(W3C / "eddsa-rdfc-2022" / "canonDocDataInt.txt")
    assert jsonld.canonize(load_json(W3C / "unsigned.json")) == expected


def test_unknown_context_in_a_document_is_refused() -> None:
    """A credential referencing a context we do not ship fails with the URL named."""
    doc = load_json(OB_FIXTURES / "simple.json")
    doc["@context"].append("https://evil.example/ctx.json")
    with pytest.raises(ContextError, match="evil.example"):
        jsonld.expand(doc)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d.__setitem__("favouriteColour", "red"), "favouriteColour"),
        (lambda d: d["credentialSubject"].__setitem__("score", 99), "score"),
        (lambda d: d.__setitem__("type", ["VerifiableCredential", "BogusCredential"]), "Bogus"),
        (lambda d: d.__setitem__("id", "credential-42"), "relative id"),
        (lambda d: d["credentialSubject"].__setitem__("id", "worker-7"), "relative id"),
    ],
)
def test_safe_mode_rejects_undefined_terms(mutate, needle) -> None:
    """A property or type the contexts do not define, or a relative id (which RDF conversion
    would drop from the signed data), is an error, not silently dropped."""
    doc = copy.deepcopy(load_json(OB_FIXTURES / "simple.json"))
    doc.pop("proof")
    jsonld.expand(doc)  # the untouched credential is fine
    mutate(doc)
    with pytest.raises(UnsafeJsonLdError, match=needle):
        jsonld.expand(doc)


def test_cached_safe_mode_check_still_sees_changed_types_and_terms() -> None:
    """The skeleton cache shares results between credentials differing only in literal
    values; a changed type, an extra term or a relative id is a different skeleton and is
    rejected, with this document's own term in the message."""
    doc = load_json(OB_FIXTURES / "simple.json")
    doc.pop("proof")
    jsonld.expand_cached(doc)
    same_shape = copy.deepcopy(doc)
    same_shape["name"] = "Another badge name"
    jsonld.expand_cached(same_shape)
    other_type = copy.deepcopy(doc)
    other_type["credentialSubject"]["type"] = ["NotASubject"]
    with pytest.raises(UnsafeJsonLdError):
        jsonld.expand_cached(other_type)
    with pytest.raises(UnsafeJsonLdError):  # failures are recomputed, never cached away
        jsonld.expand_cached(copy.deepcopy(other_type))
    relative = copy.deepcopy(doc)
    relative["id"] = "credential-42"  # same shape as the cached document, but a relative id
    with pytest.raises(UnsafeJsonLdError, match="credential-42"):
        jsonld.expand_cached(relative)
    extra = copy.deepcopy(doc)
    extra["credentialSubject"]["nickname"] = "x"
    with pytest.raises(UnsafeJsonLdError, match="nickname"):
        jsonld.expand_cached(extra)
