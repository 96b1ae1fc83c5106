"""Recursive-descent parser for Structured Text with error recovery.

A hand-written parser (see docs/decisions/0010-engine-architecture.md) so that a
syntax error produces a precise "expected X but found Y" message and parsing resumes
at the next statement, reporting the first few errors instead of only the first.
"""

from __future__ import annotations

from . import nodes as n
from .diagnostics import Diagnostic
from .lexer import Token, tokenize

MAX_ERRORS = 10
MAX_DEPTH = 200

# Binary operator precedence, lowest first (IEC 61131-3 3rd ed., table 71).
_PRECEDENCE = [
    ("OR",),
    ("XOR",),
    ("AND", "&"),
    ("=", "<>"),
    ("<", ">", "<=", ">="),
    ("+", "-"),
    ("*", "/", "MOD"),
]

_STATEMENT_END = {
    "END_IF",
    "ELSIF",
    "ELSE",
    "END_CASE",
    "END_FOR",
    "END_WHILE",
    "UNTIL",
    "END_REPEAT",
    "END_PROGRAM",
    "END_FUNCTION",
    "END_FUNCTION_BLOCK",
}
_SYNC_KEYWORDS = _STATEMENT_END | {
    "IF",
    "CASE",
    "FOR",
    "WHILE",
    "REPEAT",
    "EXIT",
    "CONTINUE",
    "RETURN",
}
_VAR_KINDS = {
    "VAR",
    "VAR_INPUT",
    "VAR_OUTPUT",
    "VAR_IN_OUT",
    "VAR_TEMP",
    "VAR_GLOBAL",
    "VAR_EXTERNAL",
}


class _Abort(Exception):
    """Raised to unwind to the nearest recovery point after a syntax error."""


class _TooMany(Exception):
    """Raised when MAX_ERRORS syntax errors have been reported."""


def _describe(tok: Token) -> str:
    if tok.kind == "eof":
        return "end of file"
    return repr(tok.text[:30])


class Parser:
    """Parse a token stream into ``nodes.SourceFile``, collecting diagnostics."""

    def __init__(self, source: str):
        self.source = source
        self.lines = source.split("\n")
        self.diagnostics: list[Diagnostic] = []
        tokens, lex_errors = tokenize(source)
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.lex_failed = bool(lex_errors)
        for err in lex_errors:
            self._diag(err.code, err.args, err.line, err.column, err.line, err.end_column)

    # ------------------------------------------------------------- utilities
    def _diag(self, code, args, line, col, end_line, end_col):
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.diagnostics.append(Diagnostic(line, col, end_line, end_col, code, args, src))

    def error(self, code: str, tok: Token | None = None, **args):
        """Record an error at ``tok`` (default: current token) and unwind."""
        tok = tok or self.peek()
        if not (tok.kind == "eof" and self.lex_failed):
            # After an unclosed comment or string, "expected X at end of file" is noise.
            self._diag(code, args, tok.line, tok.column, tok.end_line, tok.end_column)
        if len(self.diagnostics) >= MAX_ERRORS:
            raise _TooMany
        raise _Abort

    def peek(self, offset: int = 0) -> Token:
        """The token ``offset`` places ahead."""
        i = min(self.pos + offset, len(self.tokens) - 1)
        return self.tokens[i]

    def advance(self) -> Token:
        """Consume and return the current token."""
        tok = self.tokens[self.pos]
        if self.pos < len(self.tokens) - 1:
            self.pos += 1
        return tok

    def at_kw(self, *words: str) -> bool:
        """Is the current token one of the keywords ``words``?"""
        tok = self.peek()
        return tok.kind == "keyword" and tok.value in words

    def at_op(self, *ops: str) -> bool:
        """Is the current token one of the operators ``ops``?"""
        tok = self.peek()
        return tok.kind == "op" and tok.value in ops

    def accept_kw(self, word: str) -> Token | None:
        """Consume keyword ``word`` if it is next."""
        if self.at_kw(word):
            return self.advance()
        return None

    def accept_op(self, op: str) -> Token | None:
        """Consume operator ``op`` if it is next."""
        if self.at_op(op):
            return self.advance()
        return None

    def expect_kw(self, word: str) -> Token:
        """Consume keyword ``word`` or report what was found instead."""
        if self.at_kw(word):
            return self.advance()
        self.error("E_EXPECTED", expected=word, found=_describe(self.peek()))
        raise AssertionError  # unreachable

    def expect_op(self, op: str) -> Token:
        """Consume operator ``op`` or report what was found instead."""
        if self.at_op(op):
            return self.advance()
        self.error("E_EXPECTED", expected=repr(op), found=_describe(self.peek()))
        raise AssertionError  # unreachable

    def expect_ident(self, what: str = "a name") -> Token:
        """Consume an identifier or report ``what`` was expected."""
        tok = self.peek()
        if tok.kind == "ident":
            return self.advance()
        self.error("E_EXPECTED", expected=what, found=_describe(tok))
        raise AssertionError  # unreachable

    def span_from(self, start: Token) -> n.Span:
        """Span from ``start`` to the last consumed token."""
        last = self.tokens[max(self.pos - 1, 0)]
        return n.Span(start.line, start.column, last.end_line, last.end_column)

    @staticmethod
    def tok_span(tok: Token) -> n.Span:
        """The span of one token."""
        return n.Span(tok.line, tok.column, tok.end_line, tok.end_column)

    def sync_to(self, words: set[str], ops: tuple[str, ...] = (";",)) -> None:
        """Skip tokens up to (and over a ';') a statement boundary for recovery."""
        while self.peek().kind != "eof":
            tok = self.peek()
            if tok.kind == "op" and tok.value in ops:
                self.advance()
                return
            if tok.kind == "keyword" and tok.value in words:
                return
            self.advance()

    # ------------------------------------------------------------ top level
    def parse(self) -> n.SourceFile:
        """Parse the whole source; diagnostics end up in ``self.diagnostics``."""
        types, pous, globals_, configs = [], [], [], []
        top = {"PROGRAM", "FUNCTION", "FUNCTION_BLOCK", "TYPE", "CONFIGURATION", "VAR_GLOBAL"}
        try:
            while self.peek().kind != "eof":
                try:
                    if self.at_kw("TYPE"):
                        types.extend(self.parse_type_block())
                    elif self.at_kw("PROGRAM", "FUNCTION", "FUNCTION_BLOCK"):
                        pous.append(self.parse_pou())
                    elif self.at_kw("VAR_GLOBAL"):
                        globals_.append(self.parse_var_block())
                    elif self.at_kw("CONFIGURATION"):
                        configs.append(self.parse_configuration())
                    else:
                        self.error(
                            "E_EXPECTED",
                            expected="PROGRAM, FUNCTION_BLOCK, FUNCTION, TYPE or CONFIGURATION",
                            found=_describe(self.peek()),
                        )
                except _Abort:
                    self.advance()
                    while self.peek().kind != "eof" and not self.at_kw(*top):
                        self.advance()
        except _TooMany:
            tok = self.peek()
            self._diag("E_TOO_MANY_ERRORS", {}, tok.line, tok.column, tok.line, tok.column + 1)
        except RecursionError:
            tok = self.peek()
            self._diag(
                "E_LIMIT",
                {"what": "nesting depth", "limit": MAX_DEPTH},
                tok.line,
                tok.column,
                tok.line,
                tok.column + 1,
            )
        return n.SourceFile(tuple(types), tuple(pous), tuple(globals_), tuple(configs))

    def parse_type_block(self) -> list[n.TypeDecl]:
        """``TYPE name : spec [:= init]; ... END_TYPE``."""
        self.expect_kw("TYPE")
        decls = []
        while not self.at_kw("END_TYPE"):
            if self.peek().kind == "eof":
                self.expect_kw("END_TYPE")
            start = self.peek()
            try:
                name = self.expect_ident("a type name")
                self.expect_op(":")
                spec = self.parse_type_spec()
                init = None
                if self.accept_op(":="):
                    init = self.parse_initializer()
                self.expect_op(";")
                decls.append(n.TypeDecl(name.value, name.text, spec, init, self.span_from(start)))
            except _Abort:
                self.sync_to({"END_TYPE"})
        self.expect_kw("END_TYPE")
        return decls

    def parse_pou(self) -> n.Pou:
        """``PROGRAM|FUNCTION_BLOCK|FUNCTION name [: type] var-blocks statements END_...``."""
        start = self.advance()
        kind = start.value
        name = self.expect_ident("a POU name")
        return_type = None
        if kind == "FUNCTION":
            self.expect_op(":")
            return_type = self.parse_type_spec()
        blocks = []
        while self.at_kw(*_VAR_KINDS):
            try:
                blocks.append(self.parse_var_block())
            except _Abort:
                self.sync_to({"END_VAR"})
                self.accept_kw("END_VAR")
        end_kw = "END_" + kind
        body = self.parse_statements({end_kw})
        self.expect_kw(end_kw)
        return n.Pou(
            kind, name.value, name.text, return_type, tuple(blocks), body, self.span_from(start)
        )

    def parse_var_block(self) -> n.VarBlock:
        """``VAR[_kind] [CONSTANT|RETAIN] declarations END_VAR``."""
        start = self.advance()
        constant = retain = False
        while self.at_kw("CONSTANT", "RETAIN", "NON_RETAIN"):
            word = self.advance().value
            constant = constant or word == "CONSTANT"
            retain = retain or word == "RETAIN"
        decls = []
        while not self.at_kw("END_VAR"):
            if self.peek().kind == "eof" or self.at_kw(*_VAR_KINDS):
                self.expect_kw("END_VAR")
            try:
                decls.append(self.parse_var_decl())
            except _Abort:
                self.sync_to({"END_VAR"})
        self.expect_kw("END_VAR")
        return n.VarBlock(start.value, constant, retain, tuple(decls), self.span_from(start))

    def parse_var_decl(self) -> n.VarDecl:
        """``a, b [AT %addr] : spec [:= init];``."""
        start = self.peek()
        names = []
        while True:
            tok = self.expect_ident("a variable name")
            names.append((tok.value, tok.text, self.tok_span(tok)))
            if not self.accept_op(","):
                break
        address = None
        if self.accept_kw("AT"):
            tok = self.peek()
            if tok.kind != "addr":
                self.error(
                    "E_EXPECTED", expected="a direct address like %IX0.0", found=_describe(tok)
                )
            address = self.advance().value
        self.expect_op(":")
        spec = self.parse_type_spec()
        init = None
        if self.accept_op(":="):
            init = self.parse_initializer()
        self.expect_op(";")
        return n.VarDecl(tuple(names), address, spec, init, self.span_from(start))

    def parse_type_spec(self):
        """A type: name, ``STRING[n]``, ``ARRAY [..] OF``, ``STRUCT``, enum list, subrange."""
        start = self.peek()
        if self.accept_kw("ARRAY"):
            self.expect_op("[")
            ranges = []
            while True:
                low = self.parse_expression()
                self.expect_op("..")
                high = self.parse_expression()
                ranges.append((low, high))
                if not self.accept_op(","):
                    break
            self.expect_op("]")
            self.expect_kw("OF")
            element = self.parse_type_spec()
            return n.ArrayTypeSpec(tuple(ranges), element, self.span_from(start))
        if self.accept_kw("STRUCT"):
            fields = []
            while not self.at_kw("END_STRUCT"):
                if self.peek().kind == "eof":
                    self.expect_kw("END_STRUCT")
                fields.append(self.parse_var_decl())
            self.expect_kw("END_STRUCT")
            return n.StructSpec(tuple(fields), self.span_from(start))
        if self.at_op("("):
            self.advance()
            values = []
            while True:
                tok = self.expect_ident("an enumeration value")
                if self.accept_op(":="):
                    self.parse_expression()  # explicit values are accepted and ignored
                values.append((tok.value, tok.text, self.tok_span(tok)))
                if not self.accept_op(","):
                    break
            self.expect_op(")")
            return n.EnumSpec(tuple(values), self.span_from(start))
        tok = self.expect_ident("a type")
        if tok.value in ("string", "wstring"):
            length = None
            if self.accept_op("["):
                length = self.parse_expression()
                self.expect_op("]")
            elif self.accept_op("("):
                length = self.parse_expression()
                self.expect_op(")")
            return n.StringTypeSpec(length, self.span_from(start))
        named = n.NamedType(tok.value, tok.text, self.tok_span(tok))
        if self.at_op("("):
            self.advance()
            low = self.parse_expression()
            self.expect_op("..")
            high = self.parse_expression()
            self.expect_op(")")
            return n.SubrangeSpec(named, low, high, self.span_from(start))
        return named

    def parse_initializer(self):
        """An initial value: expression, ``[1, 3(0)]`` or ``(field := value, ...)``."""
        start = self.peek()
        if self.accept_op("["):
            items = []
            if not self.at_op("]"):
                while True:
                    item_start = self.peek()
                    if (
                        item_start.kind == "int"
                        and self.peek(1).kind == "op"
                        and self.peek(1).value == "("
                    ):
                        self.advance()
                        self.advance()
                        value = None if self.at_op(")") else self.parse_initializer()
                        self.expect_op(")")
                        items.append((item_start.value, value))
                    else:
                        items.append((None, self.parse_initializer()))
                    if not self.accept_op(","):
                        break
            self.expect_op("]")
            return n.ArrayInit(tuple(items), self.span_from(start))
        if (
            self.at_op("(")
            and self.peek(1).kind == "ident"
            and self.peek(2).kind == "op"
            and self.peek(2).value == ":="
        ):
            self.advance()
            fields = []
            while True:
                name = self.expect_ident("a field name")
                self.expect_op(":=")
                fields.append((name.value, self.parse_initializer()))
                if not self.accept_op(","):
                    break
            self.expect_op(")")
            return n.StructInit(tuple(fields), self.span_from(start))
        return self.parse_expression()

    def parse_configuration(self) -> n.Configuration:
        """``CONFIGURATION name ... END_CONFIGURATION`` (resources are flattened)."""
        start = self.advance()
        name = self.expect_ident("a configuration name")
        globals_, tasks, instances = [], [], []
        self._parse_config_body(globals_, tasks, instances, "END_CONFIGURATION")
        self.expect_kw("END_CONFIGURATION")
        return n.Configuration(
            name.value,
            name.text,
            tuple(globals_),
            tuple(tasks),
            tuple(instances),
            self.span_from(start),
        )

    def _parse_config_body(self, globals_, tasks, instances, end_kw):
        while not self.at_kw(end_kw):
            if self.peek().kind == "eof":
                self.expect_kw(end_kw)
            if self.at_kw("VAR_GLOBAL"):
                globals_.append(self.parse_var_block())
            elif self.accept_kw("RESOURCE"):
                self.expect_ident("a resource name")
                self.expect_kw("ON")
                self.expect_ident("a processor name")
                self._parse_config_body(globals_, tasks, instances, "END_RESOURCE")
                self.expect_kw("END_RESOURCE")
                self.accept_op(";")
            elif self.at_kw("TASK"):
                tasks.append(self.parse_task())
            elif self.at_kw("PROGRAM"):
                instances.append(self.parse_program_instance())
            else:
                self.error(
                    "E_EXPECTED",
                    expected=f"VAR_GLOBAL, RESOURCE, TASK, PROGRAM or {end_kw}",
                    found=_describe(self.peek()),
                )

    def parse_task(self) -> n.TaskDecl:
        """``TASK name (INTERVAL := t, PRIORITY := p);``."""
        start = self.advance()
        name = self.expect_ident("a task name")
        interval = priority = None
        if self.accept_op("("):
            while not self.at_op(")"):
                key = self.expect_ident("INTERVAL, PRIORITY or SINGLE")
                self.expect_op(":=")
                value = self.parse_expression()
                if key.value == "interval":
                    interval = value
                elif key.value == "priority":
                    priority = value
                else:
                    self.error("E_UNSUPPORTED", key, what=f"task property {key.text}")
                if not self.accept_op(","):
                    break
            self.expect_op(")")
        self.expect_op(";")
        return n.TaskDecl(name.value, name.text, interval, priority, self.span_from(start))

    def parse_program_instance(self) -> n.ProgramInstance:
        """``PROGRAM inst [WITH task] : Type;``."""
        start = self.advance()
        name = self.expect_ident("a program instance name")
        task = None
        if self.accept_kw("WITH"):
            task = self.expect_ident("a task name").value
        self.expect_op(":")
        type_tok = self.expect_ident("a program type")
        if self.at_op("("):
            self.error("E_UNSUPPORTED", what="program instance arguments")
        self.expect_op(";")
        return n.ProgramInstance(
            name.value, name.text, task, type_tok.value, type_tok.text, self.span_from(start)
        )

    # ------------------------------------------------------------ statements
    def parse_statements(self, end_words: set[str]) -> tuple:
        """Statements up to one of ``end_words``, recovering after errors."""
        stmts = []
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                break
            if tok.kind == "keyword" and (tok.value in end_words or tok.value in _STATEMENT_END):
                break
            if self.accept_op(";"):
                continue
            try:
                stmts.append(self.parse_statement())
            except _Abort:
                self.sync_to(_SYNC_KEYWORDS)
        return tuple(stmts)

    def parse_statement(self):
        """One statement, counted against the nesting limit."""
        self._descend()
        try:
            return self._statement()
        finally:
            self.depth -= 1

    def _descend(self) -> None:
        """Count one nesting level; past MAX_DEPTH report E_LIMIT and stop parsing."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            tok = self.peek()
            self._diag(
                "E_LIMIT",
                {"what": "nesting depth", "limit": MAX_DEPTH},
                tok.line,
                tok.column,
                tok.line,
                tok.column + 1,
            )
            raise _TooMany

    def _statement(self):
        start = self.peek()
        if start.kind == "keyword":
            word = start.value
            if word == "IF":
                return self.parse_if()
            if word == "CASE":
                return self.parse_case()
            if word == "FOR":
                return self.parse_for()
            if word == "WHILE":
                self.advance()
                cond = self.parse_expression()
                self.expect_kw("DO")
                body = self.parse_statements({"END_WHILE"})
                self.expect_kw("END_WHILE")
                self.accept_op(";")
                return n.While(cond, body, self.span_from(start))
            if word == "REPEAT":
                self.advance()
                body = self.parse_statements({"UNTIL"})
                self.expect_kw("UNTIL")
                cond = self.parse_expression()
                self.expect_kw("END_REPEAT")
                self.accept_op(";")
                return n.Repeat(body, cond, self.span_from(start))
            if word == "EXIT":
                self.advance()
                self.expect_op(";")
                return n.Exit(self.span_from(start))
            if word == "CONTINUE":
                self.advance()
                self.expect_op(";")
                return n.Continue(self.span_from(start))
            if word == "RETURN":
                self.advance()
                self.expect_op(";")
                return n.Return(self.span_from(start))
            self.error("E_EXPECTED", expected="a statement", found=_describe(start))
        target = self.parse_postfix()
        if self.accept_op(":="):
            value = self.parse_expression()
            self.expect_op(";")
            return n.Assign(target, value, self.span_from(start))
        if isinstance(target, n.Call):
            self.expect_op(";")
            return n.CallStmt(target, self.span_from(start))
        if self.at_op("="):
            self.error("E_EXPECTED", expected="':=' (assignment)", found="'='")
        self.error("E_EXPECTED", expected="':=' or a call", found=_describe(self.peek()))
        raise AssertionError  # unreachable

    def parse_if(self):
        """``IF c THEN ... {ELSIF c THEN ...} [ELSE ...] END_IF``."""
        start = self.advance()
        branches = []
        cond = self.parse_expression()
        self.expect_kw("THEN")
        body = self.parse_statements({"ELSIF", "ELSE", "END_IF"})
        branches.append((cond, body))
        else_body = None
        while True:
            if self.accept_kw("ELSIF"):
                cond = self.parse_expression()
                self.expect_kw("THEN")
                body = self.parse_statements({"ELSIF", "ELSE", "END_IF"})
                branches.append((cond, body))
            elif self.accept_kw("ELSE"):
                else_body = self.parse_statements({"END_IF"})
                self.expect_kw("END_IF")
                break
            else:
                self.expect_kw("END_IF")
                break
        self.accept_op(";")
        return n.If(tuple(branches), else_body, self.span_from(start))

    def _at_case_label(self) -> bool:
        """Does a ``label, label: `` list start here (rather than a statement)?"""
        i = self.pos
        depth = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.kind == "eof":
                return False
            if tok.kind == "op":
                if tok.value in ("(", "["):
                    depth += 1
                elif tok.value in (")", "]"):
                    depth -= 1
                elif tok.value == ":" and depth == 0:
                    return True
                elif tok.value in (";", ":="):
                    return False
            elif tok.kind == "keyword" and tok.value not in ("TRUE", "FALSE", "NOT"):
                return False
            i += 1
        return False

    def parse_case(self):
        """``CASE e OF labels: statements ... [ELSE ...] END_CASE``."""
        start = self.advance()
        selector = self.parse_expression()
        self.expect_kw("OF")
        clauses = []
        else_body = None
        while True:
            if self.accept_kw("ELSE"):
                else_body = self.parse_statements({"END_CASE"})
                break
            if self.at_kw("END_CASE") or self.peek().kind == "eof":
                break
            labels = []
            try:
                while True:
                    lstart = self.peek()
                    low = self.parse_expression()
                    if self.accept_op(".."):
                        high = self.parse_expression()
                        labels.append(n.CaseRange(low, high, self.span_from(lstart)))
                    else:
                        labels.append(low)
                    if not self.accept_op(","):
                        break
                self.expect_op(":")
            except _Abort:
                self.sync_to({"END_CASE"}, (":",))
            body = []
            while True:
                tok = self.peek()
                if tok.kind == "eof" or self.at_kw("ELSE", "END_CASE"):
                    break
                if self._at_case_label():
                    break
                if self.accept_op(";"):
                    continue
                try:
                    body.append(self.parse_statement())
                except _Abort:
                    self.sync_to(_SYNC_KEYWORDS)
            clauses.append((tuple(labels), tuple(body)))
        self.expect_kw("END_CASE")
        self.accept_op(";")
        return n.Case(selector, tuple(clauses), else_body, self.span_from(start))

    def parse_for(self):
        """``FOR v := a TO b [BY c] DO ... END_FOR``."""
        start = self.advance()
        tok = self.expect_ident("the loop variable")
        var = n.Name(tok.value, tok.text, self.tok_span(tok))
        self.expect_op(":=")
        first = self.parse_expression()
        self.expect_kw("TO")
        last = self.parse_expression()
        step = None
        if self.accept_kw("BY"):
            step = self.parse_expression()
        self.expect_kw("DO")
        body = self.parse_statements({"END_FOR"})
        self.expect_kw("END_FOR")
        self.accept_op(";")
        return n.For(var, first, last, step, body, self.span_from(start))

    # ----------------------------------------------------------- expressions
    def parse_expression(self, level: int = 0):
        """A binary expression at precedence ``level`` (0 = OR, the loosest)."""
        if level == len(_PRECEDENCE):
            return self.parse_power()
        self._descend()
        try:
            start = self.peek()
            left = self.parse_expression(level + 1)
            ops = _PRECEDENCE[level]
            while True:
                tok = self.peek()
                if tok.kind in ("op", "keyword") and tok.value in ops:
                    self.advance()
                    op = "AND" if tok.value == "&" else tok.value
                    right = self.parse_expression(level + 1)
                    left = n.Binary(op, left, right, self.span_from(start))
                else:
                    return left
        finally:
            self.depth -= 1

    def parse_power(self):
        """``unary {** unary}``."""
        start = self.peek()
        left = self.parse_unary()
        while self.accept_op("**"):
            right = self.parse_unary()
            left = n.Binary("**", left, right, self.span_from(start))
        return left

    def parse_unary(self):
        """``[- | + | NOT] unary`` or a postfix expression; ``-literal`` folds."""
        start = self.peek()
        if self.at_op("-", "+") or self.at_kw("NOT"):
            self.advance()
            op = start.value
            self._descend()
            try:
                operand = self.parse_unary()
            finally:
                self.depth -= 1
            if (
                op == "-"
                and isinstance(operand, n.Literal)
                and operand.kind in ("int", "real")
                and operand.type_name is None
            ):
                return n.Literal(operand.kind, -operand.value, None, self.span_from(start))
            return n.Unary(op, operand, self.span_from(start))
        return self.parse_postfix()

    def parse_postfix(self):
        """A primary followed by ``.member``, ``[index]`` and ``(call)`` suffixes."""
        start = self.peek()
        expr = self.parse_primary()
        while True:
            if self.accept_op("."):
                tok = self.peek()
                if tok.kind == "int":
                    self.advance()
                    expr = n.BitAccess(expr, tok.value, self.span_from(start))
                    continue
                name = self.expect_ident("a member name")
                expr = n.Member(expr, name.value, name.text, self.span_from(start))
            elif self.accept_op("["):
                indices = [self.parse_expression()]
                while self.accept_op(","):
                    indices.append(self.parse_expression())
                self.expect_op("]")
                expr = n.Index(expr, tuple(indices), self.span_from(start))
            elif self.at_op("(") and isinstance(expr, (n.Name, n.Member, n.Index)):
                self.advance()
                args = []
                if not self.at_op(")"):
                    while True:
                        args.append(self.parse_arg())
                        if not self.accept_op(","):
                            break
                self.expect_op(")")
                expr = n.Call(expr, tuple(args), self.span_from(start))
            elif self.at_op("^"):
                self.error("E_UNSUPPORTED", what="pointers (^)")
            else:
                return expr

    def parse_arg(self) -> n.Arg:
        """A call argument: ``name := e``, ``name => v`` or ``e``."""
        start = self.peek()
        nxt = self.peek(1)
        if start.kind == "ident" and nxt.kind == "op" and nxt.value in (":=", "=>"):
            self.advance()
            self.advance()
            value = self.parse_expression()
            return n.Arg(start.value, value, nxt.value == "=>", self.span_from(start))
        if self.at_kw("NOT") and nxt.kind == "ident" and self.peek(2).value == "=>":
            self.error("E_UNSUPPORTED", what="negated output (NOT x => y)")
        return n.Arg(None, self.parse_expression(), False, self.span_from(start))

    def parse_primary(self):
        """A literal, name, address or parenthesised expression."""
        tok = self.peek()
        span = self.tok_span(tok)
        kind = tok.kind
        if kind == "int":
            self.advance()
            return n.Literal("int", tok.value, None, span)
        if kind == "real":
            self.advance()
            return n.Literal("real", tok.value, None, span)
        if kind == "time":
            self.advance()
            return n.Literal("time", tok.value, None, span)
        if kind == "string":
            self.advance()
            return n.Literal("string", tok.value, None, span)
        if kind == "addr":
            self.advance()
            return n.Address(tok.value, span)
        if kind == "keyword" and tok.value in ("TRUE", "FALSE"):
            self.advance()
            return n.Literal("bool", tok.value == "TRUE", None, span)
        if kind == "op" and tok.value == "(":
            self.advance()
            expr = self.parse_expression()
            self.expect_op(")")
            return expr
        if kind == "ident":
            self.advance()
            if self.at_op("#"):
                return self.parse_typed_literal(tok)
            return n.Name(tok.value, tok.text, span)
        self.error("E_EXPECTED", expected="an expression", found=_describe(tok))
        raise AssertionError  # unreachable

    def parse_typed_literal(self, prefix: Token):
        """``TYPE#value`` after its prefix: ``INT#-5``, ``Color#Red``, ``BOOL#1``."""
        self.expect_op("#")
        tok = self.peek()
        negative = False
        if self.at_op("-", "+"):
            negative = tok.value == "-"
            self.advance()
            tok = self.peek()
        self.advance()
        span = self.span_from(prefix)
        type_name = prefix.value
        if tok.kind == "int":
            return n.Literal("int", -tok.value if negative else tok.value, type_name, span)
        if tok.kind == "real":
            return n.Literal("real", -tok.value if negative else tok.value, type_name, span)
        if tok.kind == "keyword" and tok.value in ("TRUE", "FALSE") and not negative:
            return n.Literal("bool", tok.value == "TRUE", type_name, span)
        if tok.kind == "ident" and not negative:
            return n.Literal("enum", tok.value, type_name, span)
        if tok.kind == "string" and not negative:
            return n.Literal("string", tok.value, type_name, span)
        self.error("E_BAD_LITERAL", tok, text=f"{prefix.text}#{tok.text}"[:40], detail="bad value")
        raise AssertionError  # unreachable


def parse(source: str) -> tuple[n.SourceFile, list[Diagnostic]]:
    """Parse ``source``; returns the AST and the syntax diagnostics (possibly empty)."""
    parser = Parser(source)
    tree = parser.parse()
    return tree, parser.diagnostics
