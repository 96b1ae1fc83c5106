"""Ed25519 keys, Multikey, did:key, did:web and encryption at rest."""

from __future__ import annotations

import pytest
from vc_paths import OB_SPEC, W3C, load_json

from credentials.vc import keys
from credentials.vc.errors import KeyDecryptionError, KeyFormatError

SECRET = "a-test-secret-that-is-long-enough"


def test_multikey_round_trip_matches_w3c_key_pair() -> None:
    """The W3C vector's secretKeyMultibase yields exactly its publicKeyMultibase."""
    pair = load_json(W3C / "keyPair.json")
    kp = keys.KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    assert kp.public_multibase == pair["publicKeyMultibase"]
    assert keys.private_key_to_multikey(kp.private_key) == pair["privateKeyMultibase"]


def test_ob_spec_key_encodes_to_its_multikey() -> None:
    """The OB 3.0 spec's raw public key encodes to its published z6Mk... value."""
    vector = load_json(OB_SPEC / "ob3-eddsa-rdfc-2022-vector.json")
    kp = keys.KeyPair.from_seed(bytes.fromhex(vector["privateKeyHex_seedThenPublic"][:64]))
    assert kp.public_multibase == vector["publicKeyMultibase"]
    assert kp.public_key.public_bytes_raw().hex() == vector["publicKeyHex"]


def test_multikey_rejects_other_codecs_and_garbage() -> None:
    """Non-Ed25519 multicodecs, wrong lengths and non-base58 strings are refused."""
    p256 = "zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9"
    for bad in (p256, "z6Mk", "not-multibase", "z0OIl", ""):
        with pytest.raises(KeyFormatError):
            keys.multikey_to_public_key(bad)


def test_did_key_create_and_resolve() -> None:
    """did:key of a key resolves offline to a Multikey assertion method with that key."""
    kp = keys.generate_keypair()
    did = keys.did_key_for(kp)
    assert did == f"did:key:{kp.public_multibase}"
    doc = keys.resolve_did_key(did)
    vm_id = keys.did_key_verification_method(did)
    public, controller = keys.find_verification_method(doc, vm_id)
    assert controller == did
    assert public.public_bytes_raw() == kp.public_key.public_bytes_raw()
    with pytest.raises(KeyFormatError):
        keys.resolve_did_key("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_did_web_url_mapping(did: str, url: str) -> None:
    """did:web DIDs map to the URLs given in the did:web method specification."""
    assert keys.did_web_to_url(did) == url


def test_did_web_for_builds_the_did_the_site_serves() -> None:
    """A host with port and a path become a did:web whose document path is served."""
    did = keys.did_web_for("Training.Example.cn:8443", "/issuers/factory-1/")
    assert did == "did:web:training.example.cn%3A8443:issuers:factory-1"
    assert keys.did_web_path(did) == "/issuers/factory-1/did.json"
    with pytest.raises(KeyFormatError):
        keys.did_web_to_url("did:web:example.com:..:etc")


def test_did_web_document_lists_current_and_retired_keys() -> None:
    """Both the current and the retired key are assertion methods, with public keys only."""
    old, new = keys.generate_keypair(), keys.generate_keypair()
    did = "did:web:training.example.cn"
    doc = keys.did_web_document(
        did,
        [keys.PublishedKey(new.public_multibase), keys.PublishedKey(old.public_multibase, True)],
    )
    for kp in (old, new):
        vm_id = f"{did}#{kp.public_multibase}"
        public, controller = keys.find_verification_method(doc, vm_id)
        assert controller == did
        assert public.public_bytes_raw() == kp.public_key.public_bytes_raw()
    assert "secret" not in str(doc).lower() and "private" not in str(doc).lower()


def test_private_key_encryption_round_trip_and_failures() -> None:
    """An encrypted key decrypts with the same secret and key id, and only with them."""
    kp = keys.generate_keypair()
    token = keys.encrypt_private_key(kp, SECRET, key_id="did:web:x#k1")
    assert (
        kp.public_multibase not in token
        and keys.private_key_to_multikey(kp.private_key) not in token
    )
    again = keys.decrypt_private_key(token, SECRET, key_id="did:web:x#k1")
    assert again.seed() == kp.seed()
    with pytest.raises(KeyDecryptionError):
        keys.decrypt_private_key(token, SECRET + "x", key_id="did:web:x#k1")
    with pytest.raises(KeyDecryptionError):
        keys.decrypt_private_key(token, SECRET, key_id="did:web:x#k2")
    with pytest.raises(KeyDecryptionError):
        keys.decrypt_private_key(token[:-4] + "AAAA", SECRET, key_id="did:web:x#k1")
    with pytest.raises(KeyDecryptionError):
        keys.encrypt_private_key(kp, "short")


def test_keypair_repr_hides_the_private_key() -> None:
    """repr() of a key pair (as in logs and tracebacks) shows only the public key."""
    kp = keys.generate_keypair()
    assert repr(kp) == f"KeyPair(public_multibase={kp.public_multibase!r})"


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:evil.example%2Fpath",
        "did:web:evil.example%3Fq=1",
        "did:web:user%40evil.example",
        "did:web:example.com::x",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:.",
        "did:key:z6Mk",
    ],
)
def test_malformed_did_web_is_refused(did: str) -> None:
    """did:web DIDs that would map to another host, a query or a path trick are refused."""
    with pytest.raises(KeyFormatError):
        keys.did_web_to_url(did)
