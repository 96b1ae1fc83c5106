"""Each kind of tampering is rejected, with the reason an employer would need."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from vc_factories import NOW, Institution, issue

from credentials import vc
from credentials.vc import keys


@pytest.fixture(scope="module")
def inst() -> Institution:
    """One published institution for the module."""
    institution = Institution()
    institution.publish()
    return institution


def _set(path: list[Any], value: Any) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


FIELD_CHANGES = {
    "credential name": _set(["name"], "Senior PLC Engineer"),
    "achievement name": _set(["credentialSubject", "achievement", "name"], "PLC Expert"),
    "skill": _set(["credentialSubject", "achievement", "alignment", 0, "targetCode"], "OT-999"),
    "validUntil": _set(["validUntil"], "2099-01-01T00:00:00Z"),
    "validFrom": _set(["validFrom"], "2025-01-15T00:00:00Z"),
    "recipient hash": _set(
        ["credentialSubject", "identifier", 0, "identityHash"], "sha256$" + "0" * 64
    ),
    "issuer name": _set(["issuer", "name"], "Tsinghua University"),
    "status index": _set(["credentialStatus", 0, "statusListIndex"], "8"),
    "evidence": _set(["evidence", 0, "narrative"], "10/10 labs passed"),
    "proof created": _set(["proof", "created"], "2026-05-01T00:00:00Z"),
}


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
@pytest.mark.parametrize("change", sorted(FIELD_CHANGES))
def test_any_field_changed_breaks_the_signature(inst: Institution, suite: str, change) -> None:
    """Changing any signed field makes the integrity check fail with proof_signature."""
    cred = issue(inst, cryptosuite=suite)
    FIELD_CHANGES[change](cred)
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.verdict == "invalid"
    assert result.check("integrity").code == "proof_signature"
    assert "签名不匹配" in result.check("integrity").message_zh


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
def test_proof_moved_to_another_credential(inst: Institution, suite: str) -> None:
    """A valid proof copied onto another credential does not verify there."""
    donor = issue(inst, cryptosuite=suite)
    other = issue(inst, cryptosuite=suite, email="someone.else@example.com")
    other["proof"] = copy.deepcopy(donor["proof"])
    result = vc.verify_credential(other, inst.resolver, now=NOW)
    assert result.check("integrity").code == "proof_signature"


def test_issuer_swapped_to_another_institution(inst: Institution) -> None:
    """Claiming another issuer: the signing key is not that issuer's, and the content no
    longer matches the signature."""
    cred = issue(inst)
    cred["issuer"]["id"] = "did:web:famous-university.example"
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.verdict == "invalid"
    assert result.check("issuer_key").code == "issuer_key_mismatch"
    assert result.check("integrity").code == "proof_signature"


def test_resigned_by_attacker_with_own_key_names_our_issuer(inst: Institution) -> None:
    """An attacker edits the credential and re-signs it with their own did:key while keeping
    our issuer: the signature is valid, but the key does not belong to the issuer."""
    cred = issue(inst)
    cred.pop("proof")
    cred["credentialSubject"]["achievement"]["name"] = "PLC Master"
    attacker = keys.generate_keypair()
    did = keys.did_key_for(attacker)
    forged = vc.sign_credential(cred, attacker, keys.did_key_verification_method(did))
    result = vc.verify_credential(forged, inst.resolver, now=NOW)
    assert result.check("integrity").outcome == "passed"
    assert result.check("issuer_key").code == "issuer_key_mismatch"
    assert result.verdict == "invalid"


def test_verification_method_pointing_at_another_did(inst: Institution) -> None:
    """A proof naming a key of another DID is refused even if that DID document is served."""
    other = Institution(did="did:web:other.example")
    other.publish()
    cred = issue(other)
    cred["issuer"] = inst.profile().to_json()

    def both(url: str):
        return inst.resolver(url) or other.resolver(url)

    result = vc.verify_credential(cred, both, now=NOW)
    assert result.check("issuer_key").code == "issuer_key_mismatch"


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
def test_signature_corrupted(inst: Institution, suite: str) -> None:
    """Flipping one character of proofValue fails; truncating it is a malformed proof."""
    cred = issue(inst, cryptosuite=suite)
    value = cred["proof"]["proofValue"]
    cred["proof"]["proofValue"] = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.check("integrity").code in ("proof_signature", "proof_malformed")
    assert result.verdict == "invalid"
    cred["proof"]["proofValue"] = value[:40]
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.check("integrity").code == "proof_malformed"


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
def test_context_changed_to_unknown_url(inst: Institution, suite: str) -> None:
    """Replacing the OB context with one we do not ship: unknown context, refused."""
    cred = issue(inst, cryptosuite=suite)
    cred["@context"][1] = "https://evil.example/ob-context.json"
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.check("jsonld").code == "context_unknown"
    assert result.verdict == "invalid"


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
def test_context_changed_to_examples_vocab(inst: Institution, suite: str) -> None:
    """Swapping the OB context for the examples context (which defines every term under its
    own vocabulary) changes the meaning: the signature no longer matches (for JCS the proof's
    own @context no longer matches the document's)."""
    cred = issue(inst, cryptosuite=suite)
    cred["@context"][1] = "https://www.w3.org/ns/credentials/examples/v2"
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.verdict == "invalid"
    assert result.check("integrity").code in ("proof_signature", "proof_context_mismatch")


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
def test_unknown_term_added(inst: Institution, suite: str) -> None:
    """An added property the contexts do not define is named, and the credential refused."""
    cred = issue(inst, cryptosuite=suite)
    cred["credentialSubject"]["grade"] = "A+"
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.verdict == "invalid"
    assert result.check("jsonld").code == "jsonld_undefined_term"
    assert "grade" in result.check("jsonld").message_en


def test_proof_removed(inst: Institution) -> None:
    """A credential stripped of its proof is refused as unsigned."""
    cred = issue(inst)
    cred.pop("proof")
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.check("proof").code == "proof_missing"
    assert result.verdict == "invalid"


def test_key_published_over_plain_http_is_refused() -> None:
    """A verification method at an http:// URL is not trusted (it could be substituted)."""
    kp = keys.generate_keypair()
    issuer = "http://insecure.example/issuer"
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1"},
    }
    vm = f"{issuer}#{kp.public_multibase}"
    signed = vc.sign_credential(unsigned, kp, vm)
    doc = {
        "id": issuer,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": issuer,
             "publicKeyMultibase": kp.public_multibase}
        ],
        "assertionMethod": [vm],
    }  # fmt: skip
    result = vc.verify_credential(signed, lambda url: doc, now=NOW)
    assert result.check("issuer_key").code == "issuer_key_unsupported"
    assert result.verdict == "invalid"
