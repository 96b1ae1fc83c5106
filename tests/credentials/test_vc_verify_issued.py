"""Credentials this platform issues: valid, revoked, suspended, rotated keys, offline."""

from __future__ import annotations

import copy
import io

import pytest
from PIL import Image
from vc_factories import NOW, Institution, issue

from credentials import vc


@pytest.fixture
def inst() -> Institution:
    """An institution that has published its DID document and status lists."""
    institution = Institution()
    institution.publish()
    return institution


@pytest.mark.parametrize("suite", [vc.RDFC, vc.JCS])
def test_issued_credential_is_valid(inst: Institution, suite: str) -> None:
    """A freshly issued credential passes every check, with both cryptosuites."""
    result = vc.verify_credential(issue(inst, cryptosuite=suite), inst.resolver, now=NOW)
    assert result.verdict == "valid", [(c.name, c.code, c.detail) for c in result.checks]
    assert {c.name for c in result.checks} == set(vc.verify.CHECK_NAMES)
    assert result.summary.issuer_name == inst.name
    assert [s.name for s in result.summary.skills] == ["Ladder logic", "Modbus TCP"]
    assert result.summary.has_hashed_email


def test_revoked_credential(inst: Institution) -> None:
    """After its bit is set and the list republished, the credential is revoked."""
    cred = issue(inst, index=7)
    inst.lists["revocation"].set(7)
    inst.publish()
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.verdict == "invalid"
    assert result.check("revocation").code == "revoked"
    assert result.check("suspension").outcome == "passed"
    assert "撤销" in result.check("revocation").message_zh


def test_suspended_then_reinstated(inst: Institution) -> None:
    """A suspended credential is invalid until its suspension bit is cleared."""
    cred = issue(inst, index=3)
    inst.lists["suspension"].set(3)
    inst.publish()
    assert vc.verify_credential(cred, inst.resolver, now=NOW).check("suspension").code == (
        "suspended"
    )
    inst.lists["suspension"].set(3, False)
    inst.publish()
    assert vc.verify_credential(cred, inst.resolver, now=NOW).verdict == "valid"


def test_other_index_revoked_does_not_affect_this_one(inst: Institution) -> None:
    """Revoking a neighbour (index 8) leaves index 7 valid."""
    cred = issue(inst, index=7)
    inst.lists["revocation"].set(8)
    inst.publish()
    assert vc.verify_credential(cred, inst.resolver, now=NOW).verdict == "valid"


def test_offline_status_is_unknown_never_valid(inst: Institution) -> None:
    """With a resolver that serves only the DID document, status is "could not be checked"
    and the verdict is unverified."""
    did_url = vc.did_web_to_url(inst.did)

    def did_only(url: str):
        return inst.resolver(url) if url == did_url else None

    result = vc.verify_credential(issue(inst), did_only, now=NOW)
    assert result.verdict == "unverified"
    assert result.check("revocation").code == "status_unreachable"
    assert result.check("integrity").outcome == "passed"


def test_no_resolver_at_all(inst: Institution) -> None:
    """Without any resolver the did:web key and status are both reported as unchecked."""
    result = vc.verify_credential(issue(inst), None, now=NOW)
    assert result.verdict == "unverified"
    assert result.check("issuer_key").code == "issuer_key_no_resolver"
    assert result.check("revocation").code == "status_no_resolver"
    assert "离线" in result.check("revocation").message_zh


def test_resolver_that_raises_is_reported(inst: Institution) -> None:
    """A resolver error (timeout, DNS...) becomes "could not fetch", not a crash."""

    def broken(url: str):
        raise TimeoutError("timed out after 5 s")

    result = vc.verify_credential(issue(inst), broken, now=NOW)
    assert result.verdict == "unverified"
    assert "timed out" in result.check("issuer_key").detail


def test_status_list_signed_by_someone_else_is_not_trusted(inst: Institution) -> None:
    """A status list published under the URL but issued by another party is refused."""
    cred = issue(inst)
    mallory = Institution(did="did:web:mallory.example")
    mallory.publish()
    forged = mallory.published[mallory.list_url("revocation")]
    inst.published[inst.list_url("revocation")] = forged
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.check("revocation").code == "status_list_invalid"
    assert result.verdict == "unverified"


def test_key_rotation_old_credentials_still_verify(inst: Institution) -> None:
    """After rotation, credentials signed with the retired key verify; new ones use the new
    key; dropping the old key from the DID document breaks the old credentials."""
    old_cred = issue(inst)
    inst.retired.append(inst.keys.pop())
    inst.keys.append(vc.generate_keypair())
    inst.publish()
    new_cred = issue(inst, credential_id="urn:uuid:new")
    assert new_cred["proof"]["verificationMethod"] != old_cred["proof"]["verificationMethod"]
    assert vc.verify_credential(old_cred, inst.resolver, now=NOW).verdict == "valid"
    assert vc.verify_credential(new_cred, inst.resolver, now=NOW).verdict == "valid"
    inst.retired.clear()
    inst.publish()
    result = vc.verify_credential(old_cred, inst.resolver, now=NOW)
    assert result.check("issuer_key").code == "issuer_key_not_found"


def test_did_key_issuer_verifies_offline() -> None:
    """A did:key issuer (no public host name) with no status verifies without a resolver."""
    kp = vc.generate_keypair()
    did = vc.did_key_for(kp)
    profile = vc.IssuerProfile(did, "Workshop")
    from vc_factories import achievement

    unsigned = vc.build_achievement_credential(
        credential_id="urn:uuid:dk",
        issuer=profile,
        achievement=achievement(profile),
        recipient_email="a@b.cn",
        valid_from="2026-01-01T00:00:00Z",
    )
    cred = vc.sign_credential(unsigned, kp, vc.did_key_verification_method(did), created=NOW)
    result = vc.verify_credential(cred, now=NOW)
    assert result.verdict == "valid", [(c.name, c.code) for c in result.checks]
    assert result.check("revocation").outcome == "not_applicable"


def test_baked_png_verifies(inst: Institution) -> None:
    """A baked badge PNG is unbaked and verified like the JSON."""
    buf = io.BytesIO()
    Image.new("RGB", (48, 48), (250, 200, 0)).save(buf, "PNG")
    baked = vc.bake_png(buf.getvalue(), issue(inst))
    assert vc.verify_credential(baked, inst.resolver, now=NOW).verdict == "valid"


def test_expiry_and_future_validity(inst: Institution) -> None:
    """validUntil in the past -> expired; validFrom in the future -> not yet valid."""
    cred = issue(inst)
    late = NOW.replace(year=2030)
    assert vc.verify_credential(cred, inst.resolver, now=late).check("valid_until").code == (
        "expired"
    )
    early = NOW.replace(year=2025)
    assert vc.verify_credential(cred, inst.resolver, now=early).check("valid_from").code == (
        "not_yet_valid"
    )


def test_result_json_is_bilingual(inst: Institution) -> None:
    """Every check in the API form has an English and a Chinese message."""
    data = vc.verify_credential(copy.deepcopy(issue(inst)), inst.resolver, now=NOW).to_json()
    assert data["verdict"] == "valid"
    for check in data["checks"]:
        assert check["message"]["en"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in check["message"]["zh-Hans"]), check


def test_revocation_seen_after_the_list_was_cached(inst: Institution) -> None:
    """A list already verified (and cached) does not hide a later revocation: the
    republished list has new content and is checked again."""
    cred = issue(inst, index=11)
    assert vc.verify_credential(cred, inst.resolver, now=NOW).verdict == "valid"
    inst.lists["revocation"].set(11)
    inst.publish()
    assert vc.verify_credential(cred, inst.resolver, now=NOW).check("revocation").code == (
        "revoked"
    )


def test_cached_list_is_not_trusted_once_its_key_is_withdrawn(inst: Institution) -> None:
    """If the issuer withdraws the key that signed a cached status list, the list is no
    longer trusted: the status becomes "could not be checked"."""
    cred = issue(inst)
    assert vc.verify_credential(cred, inst.resolver, now=NOW).verdict == "valid"
    lists = {inst.list_url(p): inst.published[inst.list_url(p)] for p in ("revocation",)}
    inst.keys.append(vc.generate_keypair())  # rotate; the old key is dropped (not retired)
    inst.keys.pop(0)
    inst.publish()
    inst.published.update(lists)  # the old list, signed with the withdrawn key, still served
    result = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert result.check("issuer_key").code == "issuer_key_not_found"
    assert result.check("revocation").code == "status_list_invalid"


def test_employer_email_check(inst: Institution) -> None:
    """With the candidate's e-mail the result gains a recipient check: passed for the right
    address (any case), failed, and the verdict invalid, for another one."""
    cred = issue(inst, email="Zhang.San@Factory.cn")
    ok = vc.verify_credential(cred, inst.resolver, now=NOW, email="zhang.san@factory.cn")
    assert ok.check("recipient").outcome == "passed" and ok.verdict == "valid"
    bad = vc.verify_credential(cred, inst.resolver, now=NOW, email="li.si@factory.cn")
    assert bad.check("recipient").code == "recipient_mismatch" and bad.verdict == "invalid"
    assert "不符" in bad.check("recipient").message_zh
    plain = vc.verify_credential(cred, inst.resolver, now=NOW)
    assert "recipient" not in {c.name for c in plain.checks}
