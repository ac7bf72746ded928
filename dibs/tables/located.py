"""Where a class and its fields are written, so that errors start with the
``file:line`` to fix and tables and columns carry their source.

``inspect`` finds classes but not the lines of their fields, hence the
module's syntax tree, parsed once per version of a file.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import linecache
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Located:
    #: ``file:line`` of the ``class`` statement, when its source is found.
    source: str | None
    #: ``file:line`` of each field, this class's and inherited ones.
    fields: dict[str, str]
    #: The docstring as written, when the source is found.
    doc: str | None
    #: What errors start with: the source, or the class's dotted name.
    where: str


def locate(cls: type) -> Located:
    """Where a class and its fields are written, read from the module's
    syntax tree (``inspect`` knows classes but not the lines of fields)."""
    fallback = f"{cls.__module__}.{cls.__qualname__}"
    node, filename = _class_node(cls)
    if node is None or filename is None:
        return Located(None, {}, None, fallback)
    fields: dict[str, str] = {}
    for base in reversed(cls.__mro__[1:]):
        if dataclasses.is_dataclass(base):
            fields.update(locate(base).fields)
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields[statement.target.id] = f"{filename}:{statement.lineno}"
    source = f"{filename}:{node.lineno}"
    return Located(source, fields, ast.get_docstring(node), source)


def _class_node(cls: type) -> tuple[ast.ClassDef | None, str | None]:
    try:
        filename = inspect.getsourcefile(cls)
    except TypeError:  # defined in a module without a file: the REPL, exec()
        return None, None
    if filename is None:
        return None, None
    module = sys.modules.get(cls.__module__)
    lines = linecache.getlines(filename, module.__dict__ if module else None)
    candidates = _classes_in(filename, lines).get(cls.__qualname__, [])
    # Python 3.13 records the first line, telling apart classes of one name.
    first_line: int | None = getattr(cls, "__firstlineno__", None)
    for node in candidates:
        starts = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        if first_line in (None, starts):
            return node, filename
    return None, filename


#: filename -> (the lines it was parsed from, its class statements by qualified name)
_CLASSES: dict[str, tuple[list[str], dict[str, list[ast.ClassDef]]]] = {}


def _classes_in(filename: str, lines: list[str]) -> dict[str, list[ast.ClassDef]]:
    """Every class statement of a file by qualified name, found in one pass
    per version of the file: a module defines many tables, and searching its
    tree once per class made importing 200 tables quadratic. ``linecache``
    hands out a new list when the file changes, so identity is the version."""
    cached = _CLASSES.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    index: dict[str, list[ast.ClassDef]] = {}
    try:
        tree = ast.parse("".join(lines), filename)
    except (SyntaxError, ValueError):
        pass
    else:
        _index_classes(tree, [], index)
    _CLASSES[filename] = (lines, index)
    return index


def _index_classes(node: ast.AST, path: list[str], index: dict[str, list[ast.ClassDef]]) -> None:
    """Record class statements under the qualified names Python gives them
    (functions add ``<locals>``)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            continue  # no class statement inside an expression
        inner = path
        if isinstance(child, ast.ClassDef):
            inner = [*path, child.name]
            index.setdefault(".".join(inner), []).append(child)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [*path, child.name, "<locals>"]
        _index_classes(child, inner, index)


def class_doc(cls: type, located: Located) -> str | None:
    """The class docstring, not the signature dataclasses write in its place
    when there is none: from the source when it can be read, else by
    comparing with what dataclasses would have written."""
    if located.source is not None:
        return located.doc
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return None
    try:
        invented = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    except (TypeError, ValueError):
        invented = cls.__name__
    return None if doc == invented else inspect.cleandoc(doc)
