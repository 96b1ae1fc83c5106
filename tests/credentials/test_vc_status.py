"""Bitstring Status List v1.0: size, encoding, bit order and the 1EdTech fixture list."""

from __future__ import annotations

import base64
import gzip

import pytest
from vc_paths import OB_FIXTURES, load_json

from credentials.vc import status
from credentials.vc.errors import StatusListError


def test_new_list_has_131072_entries_and_round_trips() -> None:
    """A new list holds 131,072 clear bits; set bits survive encode/decode."""
    sl = status.StatusList()
    assert len(sl) == 131_072
    assert not any(sl.get(i) for i in (0, 1, 7, 8, 131_071))
    for i in (0, 9, 131_071):
        sl.set(i)
    encoded = sl.encode()
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    back = status.StatusList.decode(encoded)
    assert [i for i in (0, 1, 8, 9, 131_070, 131_071) if back.get(i)] == [0, 9, 131_071]
    back.set(9, False)
    assert not back.get(9)


def test_index_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    """Bit order per section 3.2: index 0 -> 0x80 of byte 0, index 9 -> 0x40 of byte 1."""
    sl = status.StatusList()
    sl.set(0)
    sl.set(9)
    raw = sl.to_bytes()
    assert raw[0] == 0x80 and raw[1] == 0x40 and not any(raw[2:])
    body = sl.encode()[1:]
    assert gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))) == raw


def test_encoding_is_deterministic() -> None:
    """Two encodings of the same list are byte-identical (stable ETags)."""
    assert status.StatusList().encode() == status.StatusList().encode()


def test_fixture_list_has_only_index_23_set() -> None:
    """The 1EdTech fixture list decodes to 131,072 bits with exactly bit 23 set."""
    testlist = load_json(OB_FIXTURES / "bit-string-list" / "testlist")
    sl = status.StatusList.decode(testlist["credentialSubject"]["encodedList"])
    assert len(sl) == 131_072
    assert sl.get(23) and not sl.get(22) and not sl.get(24)
    assert sum(b.bit_count() for b in sl.to_bytes()) == 1
    cred = load_json(OB_FIXTURES / "bit-string-list" / "credential-status-revoked.json")
    assert status.read_status(cred["credentialStatus"], testlist) is True
    other = {**cred["credentialStatus"], "statusListIndex": "24"}
    assert status.read_status(other, testlist) is False


def test_purpose_mismatch_is_an_error() -> None:
    """A suspension entry cannot be read from a revocation list."""
    testlist = load_json(OB_FIXTURES / "bit-string-list" / "testlist")
    entry = {"statusPurpose": "suspension", "statusListIndex": "23"}
    with pytest.raises(StatusListError, match="does not match"):
        status.read_status(entry, testlist)


@pytest.mark.parametrize(
    "encoded",
    [
        "H4sI",  # no multibase prefix
        "u!!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="),
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 100)).decode().rstrip("="),
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * (17 * 1024 * 1024))).decode(),
    ],
)
def test_malformed_short_or_bomb_lists_are_refused(encoded: str) -> None:
    """Non-multibase, non-GZIP, too-short (< 131,072 bits) and oversized lists raise."""
    with pytest.raises(StatusListError):
        status.StatusList.decode(encoded)


def test_out_of_range_index_and_too_small_list() -> None:
    """Indexes outside the list and lists under the minimum size are refused."""
    sl = status.StatusList()
    for bad in (-1, 131_072, "3"):
        with pytest.raises(StatusListError):
            sl.get(bad)
    with pytest.raises(StatusListError):
        status.StatusList(1024)


def test_status_list_credential_shape() -> None:
    """The list credential has the VC 2.0 shape of section 2.2."""
    sl = status.StatusList()
    vc = sl.status_list_credential(
        list_id="https://t.example/status/1", issuer="did:web:t.example", purpose="suspension"
    )
    assert vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert vc["credentialSubject"]["statusPurpose"] == "suspension"
    assert vc["credentialSubject"]["encodedList"] == sl.encode()
    entry = status.status_entry(list_credential_url=vc["id"], index=42, purpose="suspension")
    assert entry["statusListIndex"] == "42" and entry["type"] == "BitstringStatusListEntry"
