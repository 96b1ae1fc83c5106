"""eddsa-rdfc-2022 and eddsa-jcs-2022: byte-for-byte reproduction of the published vectors."""

from __future__ import annotations

import json

import pytest
from vc_paths import OB_SPEC, W3C, load_json, read_text

from credentials.vc import keys, proofs
from credentials.vc.errors import ProofError


def _w3c_key() -> keys.KeyPair:
    return keys.KeyPair.from_secret_multibase(
        load_json(W3C / "keyPair.json")["privateKeyMultibase"]
    )


@pytest.mark.parametrize(
    ("suite", "folder", "suffix"),
    [
        ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt"),
        ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS"),
    ],
)
def test_w3c_vectors_reproduced_byte_for_byte(suite: str, folder: str, suffix: str) -> None:
    """Canonical forms, both hashes, the signature and the signed credential equal the W3C
    vc-di-eddsa vectors."""
    base = W3C / folder
    unsigned = load_json(W3C / "unsigned.json")
    config = load_json(base / f"proofConfig{suffix}.json")
    data = proofs.hash_data(unsigned, config, suite)
    # Both files are published exactly: N-Quads end with a newline, JCS text does not.
    assert data.canonical_document == read_text(base / f"canonDoc{suffix}.txt")
    assert data.canonical_proof_config == read_text(base / f"proofCanon{suffix}.txt")
    assert data.document_hash.hex() == read_text(base / f"docHash{suffix}.txt").strip()
    assert data.proof_config_hash.hex() == read_text(base / f"proofHash{suffix}.txt").strip()
    assert data.combined.hex() == read_text(base / f"combinedHash{suffix}.txt").strip()
    signed_name = "signedDataInt.json" if suite == "eddsa-rdfc-2022" else "signedJCS.json"
    expected = load_json(base / signed_name)
    signed = proofs.sign_credential(
        unsigned, _w3c_key(), config["verificationMethod"], suite, created=config["created"]
    )
    assert signed == expected
    sig = keys.multibase_b58_decode(signed["proof"]["proofValue"])
    assert sig.hex() == read_text(base / f"sigHex{suffix}.txt").strip()
    assert signed["proof"]["proofValue"] == read_text(base / f"sigBTC58{suffix}.txt").strip()
    proofs.verify_proof(expected, expected["proof"], _w3c_key().public_key)


def test_ob_spec_rdfc_example_reproduced_byte_for_byte() -> None:
    """The Open Badges 3.0 specification's eddsa-rdfc-2022 example: canonical document and
    proof, hashes, signature and proofValue all match."""
    vector = load_json(OB_SPEC / "ob3-eddsa-rdfc-2022-vector.json")
    kp = keys.KeyPair.from_seed(bytes.fromhex(vector["privateKeyHex_seedThenPublic"][:64]))
    options = vector["proofOptions"]
    config = proofs.proof_configuration(
        vector["unsignedCredential"],
        options["verificationMethod"],
        options["cryptosuite"],
        created=options["created"],
    )
    data = proofs.hash_data(vector["unsignedCredential"], config, "eddsa-rdfc-2022")
    assert data.canonical_document == read_text(OB_SPEC / "document-canon.txt")
    assert data.canonical_proof_config == read_text(OB_SPEC / "proof-canon.txt")
    assert data.document_hash.hex() == vector["documentHashHex"]
    assert data.proof_config_hash.hex() == vector["proofHashHex"]
    assert data.combined.hex() == vector["dataToSignHex"]
    signed = proofs.sign_credential(
        vector["unsignedCredential"], kp, options["verificationMethod"], created=options["created"]
    )
    assert keys.multibase_b58_decode(signed["proof"]["proofValue"]).hex() == vector["signatureHex"]
    assert signed["proof"]["proofValue"] == vector["proofValue"]
    assert signed == load_json(OB_SPEC / "ob3-signed.json")


@pytest.mark.parametrize("suite", proofs.CRYPTOSUITES)
def test_sign_then_verify_and_tamper(suite: str) -> None:
    """A fresh proof verifies; changing the document or the proof options breaks it."""
    kp = keys.generate_keypair()
    did = keys.did_key_for(kp)
    signed = proofs.sign_credential(
        load_json(W3C / "unsigned.json"), kp, keys.did_key_verification_method(did), suite
    )
    proofs.verify_proof(signed, signed["proof"], kp.public_key)
    changed = {**signed, "name": "Alumni Credential!"}
    with pytest.raises(ProofError) as info:
        proofs.verify_proof(changed, changed["proof"], kp.public_key)
    assert info.value.code == "proof_signature"
    moved = {**signed["proof"], "created": "2001-01-01T00:00:00Z"}
    with pytest.raises(ProofError):
        proofs.verify_proof(signed, moved, kp.public_key)
    with pytest.raises(ProofError) as info:
        proofs.verify_proof(signed, signed["proof"], keys.generate_keypair().public_key)
    assert info.value.code == "proof_signature"


def test_unsupported_suite_and_malformed_proof_value_are_reported() -> None:
    """Legacy/unknown cryptosuites and a non-multibase proofValue raise clear codes."""
    signed = load_json(W3C / "eddsa-rdfc-2022" / "signedDataInt.json")
    kp = _w3c_key()
    for proof, code in (
        ({**signed["proof"], "cryptosuite": "eddsa-2022"}, "proof_unsupported"),
        ({**signed["proof"], "type": "Ed25519Signature2020"}, "proof_unsupported"),
        ({**signed["proof"], "proofValue": "not-base58"}, "proof_malformed"),
        ({**signed["proof"], "proofValue": "z3Ld"}, "proof_malformed"),
        ({**signed["proof"], "proofPurpose": "authentication"}, "proof_purpose"),
    ):
        with pytest.raises(ProofError) as info:
            proofs.verify_proof(signed, proof, kp.public_key)
        assert info.value.code == code


def test_w3c_proof_set_reproduced_and_each_proof_verifies() -> None:
    """Two independent proofs (a proof set, Data Integrity section 2.1.1): signing twice
    reproduces the W3C signedProofSet1/2 vectors, and each proof verifies with its own key."""
    base = W3C / "proof-set-chain"
    pairs = load_json(base / "multiKeyPairs.json")
    doc = load_json(base / "unsigned.json")
    for n in (1, 2):
        config = load_json(base / f"proofSetConfig{n}.json")
        key = keys.KeyPair.from_secret_multibase(pairs[f"keyPair{n}"]["privateKeyMultibase"])
        doc = proofs.sign_credential(
            doc,
            key,
            config["verificationMethod"],
            config["cryptosuite"],
            created=config["created"],
            proof_id=config.get("id"),
        )
        assert doc == load_json(base / f"signedProofSet{n}.json")
    for proof, name in zip(doc["proof"], ("keyPair1", "keyPair2"), strict=True):
        public = keys.multikey_to_public_key(pairs[name]["publicKeyMultibase"])
        proofs.verify_proof(doc, proof, public)


def _random_json(rng, depth: int = 0):
    alphabet = ["a", "Z", "0", " ", '"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "中",
                "\u2028", "\ue000", "\uffff", "😀", "𝄞", "\b", "\f", "\r", "\x1b", "/", "<",
                "\u0080", "\u00ff", "\ud7ff"]  # fmt: skip

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

    kind = rng.randint(0, 9 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randint(-(2**53) + 1, 2**53 - 1)
    if kind == 2:
        return rng.choice([0.5, 1e21, -0.0, 3.14159, 1e-7, 100.0])
    if kind <= 5:
        return text()
    if kind <= 7:
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {text(): _random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def test_jcs_fast_path_is_identical_to_rfc8785() -> None:
    """The fast path (orjson, else the standard library) gives exactly the rfc8785 package's
    output (or falls back to it) for 3,000 random documents with tricky strings, keys, floats and integers,
    and for every published vector and fixture."""
    import random

    import rfc8785
    from vc_paths import OB_FIXTURES

    rng = random.Random(8785)
    samples = [_random_json(rng) for _ in range(3000)]
    samples += [load_json(p) for p in sorted(OB_FIXTURES.rglob("*.json"))]
    samples += [load_json(p) for p in sorted(W3C.rglob("*.json"))]
    fast_used = 0
    for value in samples:
        expected = rfc8785.dumps(value).decode("utf-8")
        assert proofs._jcs(value) == expected
        if proofs._plain_json(value):
            fast_used += 1
            # the standard-library fallback (used when orjson refuses a document) agrees too
            plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            assert plain == expected
    assert fast_used > 100  # the fast path is actually exercised


def test_parser_scan_knows_which_documents_jcs_may_encode_plainly() -> None:
    """The verifier's parsing walk tells JCS whether the plain encoder is exact; it agrees
    with the JCS check itself on random documents with floats, huge integers and keys
    beyond U+D800, and eddsa-jcs-2022 proofs over them verify with the flag it gives."""
    import random

    from credentials.vc import verify

    rng = random.Random(2022)
    key = _w3c_key()
    plain_seen = {True: 0, False: 0}
    for n in range(400):
        doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "n": n}
        doc["data"] = _random_json(rng)
        if n % 5 == 0:
            doc["big"] = 2.0**60 + n
        if n % 7 == 0:
            doc["\U0001d11e key"] = "astral key"
        signed = proofs.sign_credential(doc, key, "did:key:z6Mk#k", proofs.JCS)
        value, scan = verify._loads(json.dumps(signed, ensure_ascii=False))
        assert scan.problem is None
        assert scan.jcs_plain == proofs._plain_json(value)
        plain_seen[scan.jcs_plain] += 1
        proofs.verify_proof(value, value["proof"], key.public_key, plain_json=scan.jcs_plain)
    assert plain_seen[True] > 20 and plain_seen[False] > 20
    # integers beyond 2**53 cannot be JCS-encoded plainly (RFC 8785 reads them as doubles)
    _value, scan = verify._loads('{"i": 9007199254740993}')
    assert not scan.jcs_plain
