"""Every verification message exists in English and Simplified Chinese."""

from __future__ import annotations

import re

from credentials.vc import errors, messages

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_message_has_english_and_chinese() -> None:
    """Each code has a non-empty English text and a Chinese text with Chinese characters,
    and both use the same placeholders (``purpose_zh`` is the Chinese ``purpose``)."""
    for code, (en, zh) in messages.MESSAGES.items():
        assert en.strip() and zh.strip(), code
        assert CJK.search(zh), code
        placeholders_zh = {p.removesuffix("_zh") for p in re.findall(r"{(\w+)}", zh)}
        assert set(re.findall(r"{(\w+)}", en)) == placeholders_zh, code


def test_every_error_code_has_a_message() -> None:
    """Codes carried by the library's exceptions all have bilingual texts."""
    codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.CredentialError)
    }
    codes -= {"error", "key_format", "key_decryption", "input_invalid"}  # never shown as checks
    missing = codes - set(messages.MESSAGES)
    assert not missing


def test_render_fills_placeholders_in_both_languages() -> None:
    """Purpose and limit placeholders are filled, with the Chinese purpose word."""
    en, zh = messages.render("status_no_resolver", purpose="suspension")
    assert "suspended" in en and "暂停" in zh
    en, zh = messages.render("input_too_large", limit="1024 KB")
    assert "1024 KB" in en and "1024 KB" in zh
