"""Baking a credential into a PNG badge image and reading it back.

Open Badges 3.0, section 5.3 "Baking": the credential is embedded in an ``iTXt`` chunk with
keyword ``openbadgecredential``, no compression, holding the JSON (or compact JWS) text.
There must be only one such chunk; re-baking replaces it.

Baking uses Pillow (after checking the image's pixel count, so an image that would decode to
gigabytes is refused). Unbaking never decodes pixels: it walks the PNG chunk list, checks CRCs
and inflates at most :data:`MAX_CREDENTIAL_BYTES`, so neither a pixel bomb nor a compressed
text bomb can exhaust memory or time.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from collections.abc import Mapping
from typing import Any

from PIL import Image, PngImagePlugin, UnidentifiedImageError

from .errors import BakingError

KEYWORD = "openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 10 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 1024 * 1024
MAX_PIXELS = 4096 * 4096
MAX_CHUNKS = 10_000
_PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"})


def bake_png(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """Return ``image`` (any format Pillow reads, e.g. a PNG or JPEG badge) as a PNG of the
    same picture with ``credential`` embedded; any previous credential chunk is dropped.

    ``credential`` is a dict (serialised as compact UTF-8 JSON) or a compact JWS string.
    """
    text = (
        credential
        if isinstance(credential, str)
        else json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    )
    if len(text.encode("utf-8")) > MAX_CREDENTIAL_BYTES:
        raise BakingError("credential too large to bake", code="png_too_large")
    if len(image) > MAX_PNG_BYTES:
        raise BakingError("image too large to bake", code="png_too_large")
    try:
        with Image.open(io.BytesIO(image)) as src:
            width, height = src.size
            if width * height > MAX_PIXELS:
                raise BakingError(
                    f"image of {width}x{height} pixels is too large", code="png_too_large"
                )
            src.load()
            picture = src if src.mode in _PNG_MODES else src.convert("RGBA")
            info = PngImagePlugin.PngInfo()
            info.add_itxt(KEYWORD, text, zip=False)
            out = io.BytesIO()
            picture.save(out, format="PNG", pnginfo=info)
    except BakingError:
        raise
    except Image.DecompressionBombError as exc:
        raise BakingError(f"image is too large: {exc}", code="png_too_large") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise BakingError(f"not a usable image: {exc}") from exc
    return out.getvalue()


def _iter_chunks(data: bytes):
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG file", code="png_invalid")
    pos = len(PNG_SIGNATURE)
    count = 0
    while pos < len(data):
        count += 1
        if count > MAX_CHUNKS:
            raise BakingError("PNG has too many chunks", code="png_invalid")
        if pos + 8 > len(data):
            raise BakingError("PNG is truncated", code="png_invalid")
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 8 + length + 4
        if end > len(data):
            raise BakingError("PNG is truncated", code="png_invalid")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(ctype + body) != crc:
            raise BakingError(f"PNG chunk {ctype!r} has a bad CRC", code="png_invalid")
        yield ctype, body
        if ctype == b"IEND":
            return
        pos = end
    raise BakingError("PNG has no IEND chunk", code="png_invalid")


def _inflate_bounded(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_CREDENTIAL_BYTES + 1)
    except zlib.error as exc:
        raise BakingError("compressed credential chunk is corrupt", code="png_invalid") from exc
    if len(out) > MAX_CREDENTIAL_BYTES or inflater.unconsumed_tail:
        raise BakingError("credential chunk expands beyond 1 MB", code="png_too_large")
    return out


def unbake_png(data: bytes) -> str:
    """Extract the baked credential text from a PNG.

    Raises :class:`BakingError` with code ``png_invalid`` (not a PNG / corrupt),
    ``png_too_large`` or ``png_no_credential`` (a PNG without an ``openbadgecredential``
    chunk, or with more than one).
    """
    if len(data) > MAX_PNG_BYTES:
        raise BakingError("PNG larger than 10 MB", code="png_too_large")
    found: list[str] = []
    for ctype, body in _iter_chunks(data):
        if ctype != b"iTXt":
            continue
        keyword, sep, rest = body.partition(b"\x00")
        if not sep or keyword != KEYWORD.encode("latin-1") or len(rest) < 2:
            continue
        compressed, _method = rest[0], rest[1]
        _lang, _, rest = rest[2:].partition(b"\x00")
        _tkey, _, text = rest.partition(b"\x00")
        if compressed:
            text = _inflate_bounded(text)
        try:
            found.append(text.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BakingError("credential chunk is not UTF-8", code="png_invalid") from exc
    if not found:
        raise BakingError(
            "this PNG carries no Open Badges credential (no 'openbadgecredential' iTXt chunk)",
            code="png_no_credential",
        )
    if len(found) > 1:
        raise BakingError("this PNG carries more than one credential", code="png_invalid")
    return found[0]
