"""Every AST node type has a handler in the checker and the code generator, and the
kitchen-sink program below (which uses every node type) compiles and runs."""

import dataclasses
import inspect

from labs.engine import Runtime, compile_program, nodes
from labs.engine.checker import Checker
from labs.engine.codegen import CodeGen
from labs.engine.parser import parse

STATEMENTS = {
    "Assign", "CallStmt", "If", "Case", "For", "While", "Repeat", "Exit", "Continue", "Return",
}  # fmt: skip
EXPRESSIONS = {
    "Literal", "Name", "Address", "Member", "BitAccess", "Index", "Call", "Unary", "Binary",
}  # fmt: skip
DECLARATIONS = {
    "ArrayInit", "StructInit", "CaseRange", "Arg", "NamedType", "StringTypeSpec",
    "ArrayTypeSpec", "SubrangeSpec", "EnumSpec", "StructSpec", "VarDecl", "VarBlock",
    "TypeDecl", "Pou", "TaskDecl", "ProgramInstance", "Configuration", "SourceFile", "Span",
}  # fmt: skip

KITCHEN_SINK = """
TYPE
  Color : (Red, Green);
  Pair : STRUCT a : INT; b : INT := 2; END_STRUCT;
  Small : INT (0..10);
END_TYPE
VAR_GLOBAL g : INT; END_VAR
FUNCTION Twice : INT
VAR_INPUT x : INT; END_VAR
Twice := x * 2;
RETURN;
END_FUNCTION
FUNCTION_BLOCK Box
VAR_INPUT i : INT; END_VAR
VAR_OUTPUT o : INT; END_VAR
o := i + 1;
END_FUNCTION_BLOCK
PROGRAM Main
VAR
  n AT %MW0 : INT;
  arr : ARRAY[1..3] OF INT := [1, 2(5)];
  p : Pair := (a := 1);
  c : Color;
  s : STRING[8];
  k : Small;
  bx : Box;
  t : TON;
  out : INT;
END_VAR
FOR n := 1 TO 3 BY 1 DO
  arr[n] := Twice(arr[n]);
END_FOR;
WHILE n > 0 DO n := n - 1; IF n = 1 THEN EXIT; END_IF; END_WHILE;
REPEAT n := n + 1; IF n < 0 THEN CONTINUE; END_IF; UNTIL n >= 2 END_REPEAT;
CASE n OF 0..1: c := Green; 2: c := Color#Red; ELSE c := Red; END_CASE;
bx(i := -arr[1], o => out);
t(IN := NOT (n = 0), PT := T#1s);
p.a := bx.o + %MW0;
s := 'x';
k := 3;
n.2 := n.0;
g := g + 1;
END_PROGRAM
"""


def _node_classes() -> set[str]:
    return {
        name
        for name, obj in vars(nodes).items()
        if inspect.isclass(obj)
        and dataclasses.is_dataclass(obj)
        and obj.__module__ == nodes.__name__
    }


def test_every_node_type_is_classified():
    """A new AST node type must be added to one of the lists here (and to the handlers)."""
    assert _node_classes() == STATEMENTS | EXPRESSIONS | DECLARATIONS


def test_checker_and_generator_handle_every_statement_and_expression():
    """The checker and the generator name every statement and expression node type."""
    checker_src = inspect.getsource(Checker.statement) + inspect.getsource(Checker._expr)
    codegen_src = inspect.getsource(CodeGen._statement_code) + inspect.getsource(CodeGen.expr)
    for name in STATEMENTS:
        if name == "Exit" or name == "Return":
            assert f"n.{name}" in codegen_src, name
            continue
        assert f"n.{name}" in checker_src, name
        assert f"n.{name}" in codegen_src, name
    for name in EXPRESSIONS:
        assert f"n.{name}" in checker_src, name
        assert f"n.{name}" in codegen_src, name


def test_kitchen_sink_uses_every_node_type_and_runs():
    """The sample program covers every node type except configuration ones, compiles
    and runs one scan without a fault."""
    tree, diagnostics = parse(KITCHEN_SINK)
    assert diagnostics == []
    seen = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif dataclasses.is_dataclass(item):
            seen.add(type(item).__name__)
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    unused = _node_classes() - seen - {"Configuration", "TaskDecl", "ProgramInstance"}
    assert unused == set()
    rt = Runtime(compile_program(KITCHEN_SINK))
    rt.scan()
    assert rt.status == "RUN", rt.fault
    assert rt.read("arr") == [2, 10, 10]
    assert rt.read("out") == -1
    assert rt.read("p.a") == 1
