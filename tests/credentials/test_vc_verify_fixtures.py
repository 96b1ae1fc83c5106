"""Every 1EdTech validator fixture gets its expected verdict, with the right reasons."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vc_paths import OB_FIXTURES, OB_SPEC, W3C, load_json

from credentials import vc

TESTLIST_URL = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
    "main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)
NOW = vc.verify.datetime(2026, 6, 1, tzinfo=vc.verify.UTC)


def cooperating_issuer(doc: dict[str, Any]):
    """A resolver standing in for each https issuer: it publishes, as a controller document,
    the Multikey named in the fragment of the credential's verification method(s), and serves
    the fixture status list."""
    published: dict[str, Any] = {TESTLIST_URL: load_json(OB_FIXTURES / "bit-string-list/testlist")}
    proofs = doc.get("proof")
    for p in proofs if isinstance(proofs, list) else [proofs]:
        vm = p.get("verificationMethod") if isinstance(p, dict) else None
        if isinstance(vm, str) and vm.startswith("https://") and "#" in vm:
            base, fragment = vm.split("#", 1)
            ctrl = published.setdefault(
                base, {"id": base, "verificationMethod": [], "assertionMethod": []}
            )
            ctrl["verificationMethod"].append(
                {"id": vm, "type": "Multikey", "controller": base, "publicKeyMultibase": fragment}
            )
            ctrl["assertionMethod"].append(vm)
    # The status list is signed by https://1edtech.edu/issuers/565049 with the OB spec key.
    ob_key = load_json(OB_SPEC / "ob3-eddsa-rdfc-2022-vector.json")["publicKeyMultibase"]
    base = "https://1edtech.edu/issuers/565049"
    ctrl = published.setdefault(base, {"id": base, "verificationMethod": [], "assertionMethod": []})
    vm = f"{base}#{ob_key}"
    if vm not in ctrl["assertionMethod"]:
        ctrl["verificationMethod"].append(
            {"id": vm, "type": "Multikey", "controller": base, "publicKeyMultibase": ob_key}
        )
        ctrl["assertionMethod"].append(vm)
    return published.get


# fixture -> (verdict, {check name: code} that must be reported as failed/unknown)
EXPECTED: dict[str, tuple[str, dict[str, str]]] = {
    "simple.json": ("valid", {}),
    "simple-context-alias.json": ("valid", {}),
    "simple-context-version.json": ("valid", {}),
    "simple-did-web-method.json": ("valid", {}),
    "simple-multiple-proofs.json": ("valid", {}),
    "endorsement-valid.json": ("valid", {}),
    # 1EdTechRevocationList is not a status mechanism we can check: never "valid".
    "complete.json": ("unverified", {"revocation": "status_unsupported"}),
    # The did:key that signed it is not the issuer (urn:uuid:...): the key does not match.
    "simple-did-key-method.json": ("invalid", {"issuer_key": "issuer_key_mismatch"}),
    "simple-err-expired.json": ("invalid", {"valid_until": "expired"}),
    "simple-err-issued.json": ("invalid", {"valid_from": "not_yet_valid"}),
    "simple-err-issuer.json": ("invalid", {"structure": "shape_no_issuer"}),
    "simple-err-type.json": ("invalid", {"jsonld": "jsonld_undefined_term"}),
    "simple-err-context.json": ("invalid", {"jsonld": "jsonld_undefined_term"}),
    "simple-err-proof-value.json": ("invalid", {"integrity": "proof_signature"}),
    "simple-err-proof-method.json": ("invalid", {"issuer_key": "issuer_key_not_found"}),
    "simple-err-proof-method-no-scheme.json": (
        "invalid",
        {"issuer_key": "issuer_key_unsupported"},
    ),
    "simple-err-proof-method-unknown-did-method.json": (
        "invalid",
        {"issuer_key": "issuer_key_unsupported"},
    ),
    "simple-err-proof-method-unknown-scheme.json": (
        "invalid",
        {"issuer_key": "issuer_key_unsupported"},
    ),
    "simple-noproof.json": ("invalid", {"proof": "proof_missing"}),
    "simple-err-credential-subject-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-credential-subject-identifier-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-credential-subject-profile-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-credential-subject-result-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-credential-subject-achievement-result-description-type.json": (
        "invalid",
        {"schema": "schema_invalid", "jsonld": "jsonld_undefined_term"},
    ),
    "simple-err-evidence-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-issuer-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-issuer-parentorg-type.json": ("invalid", {"schema": "schema_invalid"}),
    "simple-err-issuer-otheridentifier-type.json": ("invalid", {"schema": "schema_invalid"}),
    # VC 1.1 / Ed25519Signature2020 / legacy eddsa-2022 / ecdsa-sd: proof not supported here.
    "simple_v1.json": ("unverified", {"proof": "proof_unsupported"}),
    "simple-eddsa-2022.json": ("unverified", {"proof": "proof_unsupported"}),
    "credential-status-revoked.json": ("unverified", {"proof": "proof_unsupported"}),
    "endorsement-err-schema-status-refresh.json": ("unverified", {"proof": "proof_unsupported"}),
    "complete_v1.json": ("invalid", {"proof": "proof_unsupported", "valid_until": "expired"}),
    "sd/derivedcredential.json": ("invalid", {"proof": "proof_unsupported"}),
    "bit-string-list/credential-status-revoked.json": ("invalid", {"revocation": "revoked"}),
    "bit-string-list/credential-status-revoked-blank-nodes.json": (
        "invalid",
        {"revocation": "revoked"},
    ),
}


def test_every_fixture_has_an_expectation() -> None:
    """No fixture is left out of the table (a new fixture must be given a verdict)."""
    found = {str(p.relative_to(OB_FIXTURES)) for p in OB_FIXTURES.rglob("*.json") if p.is_file()}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_verdict(name: str) -> None:
    """The fixture gets its verdict, and each expected reason is reported for its check."""
    raw = (OB_FIXTURES / name).read_bytes()
    result = vc.verify_credential(raw, cooperating_issuer(json.loads(raw)), now=NOW)
    verdict, reasons = EXPECTED[name]
    problems = {c.name: c.code for c in result.checks if c.outcome in ("failed", "unknown")}
    assert result.verdict == verdict, problems
    for check, code in reasons.items():
        assert problems.get(check) == code, problems
    if verdict == "valid":
        assert problems == {}


def test_jwt_fixture_is_recognised() -> None:
    """The VC-JWT fixture is reported as a JWT credential, not as broken JSON."""
    result = vc.verify_credential((OB_FIXTURES / "simple.jwt").read_text())
    assert result.check("parsed").code == "input_jwt"
    assert result.verdict == "invalid"


def test_without_resolver_https_issuer_is_unverified_not_valid() -> None:
    """Offline, an https/did:web issuer's key cannot be fetched: the result says so and is
    never "valid"."""
    result = vc.verify_credential((OB_FIXTURES / "simple.json").read_bytes(), now=NOW)
    assert result.verdict == "unverified"
    assert result.check("issuer_key").code == "issuer_key_no_resolver"
    assert result.check("integrity").outcome == "unknown"
    assert "https://example.com/issuers/876543" in result.check("issuer_key").message_en


def test_revoked_fixture_without_resolver_is_status_unknown() -> None:
    """Offline, the revoked fixture's status cannot be checked: unknown, never "not revoked"."""
    raw = (OB_FIXTURES / "bit-string-list/credential-status-revoked.json").read_bytes()
    resolver = cooperating_issuer(json.loads(raw))
    result = vc.verify_credential(
        raw, lambda url: None if url == TESTLIST_URL else resolver(url), now=NOW
    )
    assert result.check("revocation").outcome == "unknown"
    assert result.check("revocation").code == "status_unreachable"
    assert result.verdict == "unverified"


def test_w3c_signed_vectors_verify_offline_with_did_key() -> None:
    """The W3C rdfc and jcs signed credentials (did:key, no status) verify fully offline;
    their issuer is an https URL, not the did:key, so the key does not match the issuer."""
    for path in (
        W3C / "eddsa-rdfc-2022" / "signedDataInt.json",
        W3C / "eddsa-jcs-2022" / "signedJCS.json",
    ):
        result = vc.verify_credential(path.read_bytes(), now=NOW)
        assert result.check("integrity").outcome == "passed"
        assert result.check("issuer_key").code == "issuer_key_mismatch"


def test_summary_describes_issuer_subject_achievement() -> None:
    """The summary names the issuer, the achievement and the credential dates."""
    raw = (OB_FIXTURES / "complete.json").read_bytes()
    result = vc.verify_credential(raw, cooperating_issuer(json.loads(raw)), now=NOW)
    s = result.summary
    assert s is not None
    assert s.issuer_id == "https://1edtech.edu/issuers/565049"
    assert s.achievement_name and s.achievement_type == "Degree"
    assert [k.code for k in s.skills] == ["degree", "degree"]
    assert s.cryptosuite == "eddsa-rdfc-2022"


def test_unverified_verdict_names_the_cause() -> None:
    """Offline, the verdict explains that the issuer's keys could not be fetched (the cause),
    in English and Chinese, rather than only that the content could not be checked."""
    result = vc.verify_credential((OB_FIXTURES / "simple.json").read_bytes(), now=NOW)
    assert "https://example.com/issuers/876543" in result.message_en
    assert result.message_zh.startswith("无法完整验证") and "离线" in result.message_zh
