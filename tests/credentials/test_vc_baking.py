"""Baking credentials into PNGs and unbaking them, including hostile PNGs."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from PIL import Image

from credentials.vc import baking
from credentials.vc.errors import BakingError


def _png(width: int = 32, height: int = 32) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (30, 90, 200, 255)).save(buf, "PNG")
    return buf.getvalue()


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def _raw_png(width: int, height: int, extra: bytes = b"") -> bytes:
    """A PNG declaring width x height grey pixels, with only a few rows of real data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (width + 1) * 4)
    return (
        baking.PNG_SIGNATURE
        + _chunk(b"IHDR", ihdr)
        + extra
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _itxt(text: bytes, compressed: bool = False) -> bytes:
    payload = zlib.compress(text) if compressed else text
    body = b"openbadgecredential\0" + bytes([int(compressed), 0]) + b"\0\0" + payload
    return _chunk(b"iTXt", body)


def test_bake_then_unbake_round_trip_with_chinese_text() -> None:
    """The baked PNG is still an image and gives back the exact credential JSON."""
    cred = {"name": "PLC 基础", "id": "urn:uuid:1"}
    baked = baking.bake_png(_png(), cred)
    with Image.open(io.BytesIO(baked)) as im:
        assert im.size == (32, 32)
    assert json.loads(baking.unbake_png(baked)) == cred


def test_chunk_is_uncompressed_itxt_with_the_ob_keyword() -> None:
    """OB 3.0 section 5.3: one iTXt chunk, keyword openbadgecredential, no compression."""
    baked = baking.bake_png(_png(), {"a": 1})
    chunks = [(t, b) for t, b in baking._iter_chunks(baked) if t == b"iTXt"]
    assert len(chunks) == 1
    assert chunks[0][1].startswith(b"openbadgecredential\x00\x00\x00")


def test_rebaking_replaces_the_credential() -> None:
    """Baking an already baked PNG leaves exactly one credential, the new one."""
    once = baking.bake_png(_png(), {"v": 1})
    twice = baking.bake_png(once, {"v": 2})
    assert json.loads(baking.unbake_png(twice)) == {"v": 2}


def test_png_without_the_chunk_says_so() -> None:
    """An ordinary PNG gives the png_no_credential code, not a crash."""
    with pytest.raises(BakingError) as info:
        baking.unbake_png(_png())
    assert info.value.code == "png_no_credential"


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a....", baking.PNG_SIGNATURE + b"\0\0\0\x0dIHDR", _png()[:-6]],
)
def test_not_a_png_or_truncated(data: bytes) -> None:
    """Garbage and truncated files are reported as invalid PNGs."""
    with pytest.raises(BakingError) as info:
        baking.unbake_png(data)
    assert info.value.code == "png_invalid"


def test_bad_crc_is_refused() -> None:
    """A chunk whose CRC does not match is refused."""
    png = bytearray(baking.bake_png(_png(), {"a": 1}))
    idx = png.find(b"openbadgecredential")
    png[idx + 25] ^= 0x01
    with pytest.raises(BakingError, match="CRC"):
        baking.unbake_png(bytes(png))


def test_pixel_bomb_is_unbaked_without_decoding_and_refused_for_baking() -> None:
    """A PNG declaring 60000x60000 pixels: its credential is read without decoding pixels,
    and baking into it is refused before decoding."""
    bomb = _raw_png(60_000, 60_000, _itxt(b'{"a": 1}'))
    assert json.loads(baking.unbake_png(bomb)) == {"a": 1}
    with pytest.raises(BakingError) as info:
        baking.bake_png(bomb, {"a": 1})
    assert info.value.code == "png_too_large"


def test_compressed_text_bomb_is_refused() -> None:
    """A compressed iTXt chunk inflating to 50 MB is stopped at the 1 MB limit."""
    bomb = _raw_png(8, 8, _itxt(b" " * (50 * 1024 * 1024), compressed=True))
    assert len(bomb) < 200_000
    with pytest.raises(BakingError) as info:
        baking.unbake_png(bomb)
    assert info.value.code == "png_too_large"


def test_two_credential_chunks_are_ambiguous() -> None:
    """A PNG with two openbadgecredential chunks is refused rather than picking one."""
    png = _raw_png(8, 8, _itxt(b"{}") + _itxt(b'{"b": 2}'))
    with pytest.raises(BakingError, match="more than one"):
        baking.unbake_png(png)


def test_jpeg_cmyk_badge_is_converted_and_baked() -> None:
    """A CMYK JPEG badge (a mode PNG cannot store) is converted and baked."""
    buf = io.BytesIO()
    Image.new("CMYK", (20, 20), (0, 128, 255, 0)).save(buf, "JPEG")
    baked = baking.bake_png(buf.getvalue(), {"a": 1})
    assert baked.startswith(baking.PNG_SIGNATURE)
    assert json.loads(baking.unbake_png(baked)) == {"a": 1}


def test_not_an_image_cannot_be_baked() -> None:
    """Baking into bytes that are no image gives png_invalid."""
    with pytest.raises(BakingError) as info:
        baking.bake_png(b"%PDF-1.7 not an image", {"a": 1})
    assert info.value.code == "png_invalid"
