"""Chinese-aware text for Wagtail's database search backend (ADR 0033).

SQLite FTS5 (unicode61 tokenizer) and PostgreSQL's default parser both treat a run of Han
characters without spaces as one token, so "PLC 编程基础" would only match the query "编程基础".
We index an extra field whose Chinese runs are segmented by jieba in search mode (which also
emits the shorter words inside long ones) and segment queries the same way, so words match.
"""

import logging
import re

import jieba

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)

jieba.setLogLevel(logging.WARNING)


def has_han(text: str) -> bool:
    """Whether `text` contains a Chinese (Han) character."""
    return bool(_HAN.search(text or ""))


def segment(text: str) -> str:
    """`text` as space-separated words, Chinese split into words and sub-words, lower case."""
    if not text:
        return ""
    if not has_han(text):
        return " ".join(_PUNCT.sub(" ", text).lower().split())
    words = (w.strip().lower() for w in jieba.cut_for_search(text))
    return " ".join(w for w in (_PUNCT.sub(" ", w).strip() for w in words) if w)


def segment_query(query: str) -> str:
    """A learner's query segmented like indexed text; empty when nothing searchable is left."""
    query = (query or "").strip()[:200]
    if not has_han(query):
        return " ".join(_PUNCT.sub(" ", query).lower().split())
    # Precise mode here: each word it yields is also among the words and sub-words that search
    # mode yields for the same characters in the indexed text.
    words = [w.strip().lower() for w in jieba.cut(query)]
    return " ".join(w for w in (_PUNCT.sub(" ", w).strip() for w in words) if w)
