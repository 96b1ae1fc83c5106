"""The message catalogue: every code has an English and a Chinese text with the same
fields, and Chinese rendering translates the engine's own phrases."""

import string

from labs.engine.diagnostics import MESSAGES, PATTERNS_ZH, PHRASES_ZH, render


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_has_both_languages_with_the_same_fields():
    """English and Chinese templates name the same placeholders; Chinese is really Chinese."""
    for code, (en, zh) in MESSAGES.items():
        assert _fields(en) == _fields(zh), code
        assert en != zh, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), code


def test_chinese_rendering_translates_phrases_and_patterns():
    """Fixed phrases and phrases with a variable part are translated in arguments."""
    assert render("E_EXPECTED", {"expected": "an expression", "found": "';'"}, "zh") == (
        "此处应为 表达式，实际为 ';'"
    )
    assert render("E_LIMIT", {"what": "array size 70000", "limit": 65536}, "zh") == (
        "数组大小 70000 超出限制 65536"
    )
    assert render("E_OPERAND", {"op": "+", "types": "BOOL and integer literal"}, "zh") == (
        "运算符 + 不能用于 BOOL 和 整数字面量"
    )
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v) for v in PHRASES_ZH.values())
    assert all(pattern.groups >= 1 for pattern, _ in PATTERNS_ZH)


def test_unknown_code_or_bad_arguments_never_raise():
    """Rendering is total: a missing argument or an unknown code still gives text."""
    assert render("E_UNDECLARED", {}, "en")
    assert render("NO_SUCH_CODE", {"a": 1}, "zh")
