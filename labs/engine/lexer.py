"""Tokenizer for IEC 61131-3 Structured Text (3rd edition, clause 6.1 and 6.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset(
    [
        "PROGRAM",
        "END_PROGRAM",
        "FUNCTION",
        "END_FUNCTION",
        "FUNCTION_BLOCK",
        "END_FUNCTION_BLOCK",
        "VAR",
        "VAR_INPUT",
        "VAR_OUTPUT",
        "VAR_IN_OUT",
        "VAR_TEMP",
        "VAR_GLOBAL",
        "VAR_EXTERNAL",
        "END_VAR",
        "CONSTANT",
        "RETAIN",
        "NON_RETAIN",
        "AT",
        "TYPE",
        "END_TYPE",
        "STRUCT",
        "END_STRUCT",
        "ARRAY",
        "OF",
        "IF",
        "THEN",
        "ELSIF",
        "ELSE",
        "END_IF",
        "CASE",
        "END_CASE",
        "FOR",
        "TO",
        "BY",
        "DO",
        "END_FOR",
        "WHILE",
        "END_WHILE",
        "REPEAT",
        "UNTIL",
        "END_REPEAT",
        "EXIT",
        "CONTINUE",
        "RETURN",
        "AND",
        "OR",
        "XOR",
        "NOT",
        "MOD",
        "TRUE",
        "FALSE",
        "CONFIGURATION",
        "END_CONFIGURATION",
        "RESOURCE",
        "ON",
        "END_RESOURCE",
        "TASK",
        "WITH",
    ]
)

# Duration units of a TIME literal, in milliseconds (clause 6.3.3, table 8).
TIME_UNITS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<nl>\n)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>\(\*|/\*)
  | (?P<pragma>\{[^}\n]*\})
  | (?P<time>(?:TIME|T|LTIME|LT)\#[-+]?[0-9a-zA-Z_.]+)
  | (?P<based>(?:2|8|16)\#[0-9a-fA-F_]+)
  | (?P<real>[0-9][0-9_]*\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+)
  | (?P<int>[0-9][0-9_]*)
  | (?P<addr>%[IQM][XBWDL]?[0-9]+(?:\.[0-9]+)*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<string>'|")
  | (?P<op>:=|=>|<>|<=|>=|\*\*|\.\.|[-+*/<>=(),;:\[\].\#&^])
    """,
    re.VERBOSE | re.IGNORECASE,
)

_TIME_PART_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|d|h|m|s)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind`` is ident/keyword/int/real/time/string/addr/op/eof."""

    kind: str
    text: str
    value: object
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class LexError:
    """A lexical problem, turned into a diagnostic by the parser."""

    code: str
    args: dict
    line: int
    column: int
    end_column: int


def parse_time(text: str) -> int | None:
    """Milliseconds of a duration body such as ``1h2m3s4ms`` or ``-1.5s`` (None if bad)."""
    body = text.replace("_", "")
    sign = 1
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    pos = 0
    total = 0.0
    for match in _TIME_PART_RE.finditer(body):
        if match.start() != pos:
            return None
        total += float(match.group(1)) * TIME_UNITS[match.group(2).lower()]
        pos = match.end()
    if pos != len(body):
        return None
    return sign * round(total)


def _decode_string(body: str, double: bool) -> str | None:
    """Decode the ``$`` escapes of a string literal (clause 6.3.3, table 6)."""
    out = []
    i = 0
    simple = {"$": "$", "'": "'", '"': '"', "L": "\n", "N": "\n", "P": "\f", "R": "\r", "T": "\t"}
    while i < len(body):
        ch = body[i]
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt.upper() in simple:
            out.append(simple[nxt.upper()])
            i += 2
            continue
        width = 4 if double else 2
        digits = body[i + 1 : i + 1 + width]
        if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
            out.append(chr(int(digits, 16)))
            i += 1 + width
            continue
        return None
    return "".join(out)


def tokenize(source: str) -> tuple[list[Token], list[LexError]]:
    """Split ``source`` into tokens; never raises, problems are returned as LexErrors."""
    tokens: list[Token] = []
    errors: list[LexError] = []
    pos = 0
    line = 1
    line_start = 0
    n = len(source)
    while pos < n:
        match = _TOKEN_RE.match(source, pos)
        col = pos - line_start + 1
        if match is None:
            errors.append(LexError("E_CHAR", {"char": repr(source[pos])}, line, col, col + 1))
            pos += 1
            continue
        kind = match.lastgroup
        text = match.group()
        if kind == "ws" or kind == "pragma" or kind == "lcomment":
            pos = match.end()
            continue
        if kind == "nl":
            pos = match.end()
            line += 1
            line_start = pos
            continue
        if kind == "bcomment":
            closer = "*)" if text == "(*" else "*/"
            end = source.find(closer, pos + 2)
            if end < 0:
                errors.append(LexError("E_UNTERMINATED_COMMENT", {}, line, col, col + 2))
                break
            chunk = source[pos : end + 2]
            newlines = chunk.count("\n")
            if newlines:
                line += newlines
                line_start = pos + chunk.rfind("\n") + 1
            pos = end + 2
            continue
        if kind == "string":
            quote = text
            i = pos + 1
            while i < n:
                c = source[i]
                if c == "$":
                    i += 2
                    continue
                if c == quote or c == "\n":
                    break
                i += 1
            if i >= n or source[i] != quote:
                errors.append(LexError("E_UNTERMINATED_STRING", {}, line, col, col + 1))
                pos = i
                continue
            body = source[pos + 1 : i]
            value = _decode_string(body, quote == '"')
            end_col = col + (i + 1 - pos)
            if value is None:
                errors.append(
                    LexError(
                        "E_BAD_LITERAL",
                        {"text": source[pos : i + 1][:40], "detail": "bad $ escape"},
                        line,
                        col,
                        end_col,
                    )
                )
                value = ""
            tokens.append(Token("string", source[pos : i + 1], value, line, col, line, end_col))
            pos = i + 1
            continue
        end_col = col + len(text)
        value: object = None
        if kind == "time":
            _prefix, _, body = text.partition("#")
            value = parse_time(body)
            if value is None:
                errors.append(
                    LexError(
                        "E_BAD_LITERAL",
                        {"text": text[:40], "detail": "not a duration"},
                        line,
                        col,
                        end_col,
                    )
                )
                value = 0
        elif kind == "based":
            base, _, digits = text.partition("#")
            digits = digits.replace("_", "")
            try:
                value = int(digits, int(base))
            except ValueError:
                errors.append(
                    LexError(
                        "E_BAD_LITERAL",
                        {"text": text[:40], "detail": f"not a base {base} number"},
                        line,
                        col,
                        end_col,
                    )
                )
                value = 0
            kind = "int"
        elif kind == "int":
            value = int(text.replace("_", ""))
        elif kind == "real":
            value = float(text.replace("_", ""))
        elif kind == "addr":
            value = text.upper()
        elif kind == "ident":
            upper = text.upper()
            if upper in KEYWORDS:
                kind = "keyword"
                value = upper
            else:
                value = text.lower()
        elif kind == "op":
            value = text
        tokens.append(Token(kind, text, value, line, col, line, end_col))
        pos = match.end()
    col = pos - line_start + 1
    tokens.append(Token("eof", "", None, line, col, line, col))
    return tokens, errors
