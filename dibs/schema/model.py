"""The shared vocabulary of schemas: tables, columns, keys, indexes, checks
and enum types, as frozen dataclasses with a plain-JSON form for the
protocol.

Conventions every producer follows, so that two schemas compare with ``==``:

- names are PostgreSQL's (unquoted, as stored in the catalog);
- a column's ``type`` is what ``format_type()`` prints: ``bigint``,
  ``timestamp with time zone``, ``character varying(80)``, ``numeric(10,2)``,
  ``text[]``, an enum's own name;
- defaults, check expressions and index predicates are SQL text; the diff
  only compares texts that PostgreSQL itself printed (the definitions are
  first created in a scratch schema and read back), so no Python code has
  to know how PostgreSQL normalises an expression;
- every constraint and index has an explicit name;
- order does not matter for columns (a live table appends added columns),
  so tables compare columns by name: use `Table.column` and
  `Table.columns_by_name`, never positions.

``doc`` is the table's or column's comment; ``source`` is the ``file:line``
that defined it (definitions only — introspected schemas have ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

#: Referential actions, as written in SQL (lower case).
Action = Literal["no action", "restrict", "cascade", "set null", "set default"]
ACTIONS: tuple[str, ...] = ("no action", "restrict", "cascade", "set null", "set default")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    #: SQL expression, or None for no default.
    default: str | None = None
    #: ``GENERATED ... AS IDENTITY``: "always", "by default" or None.
    identity: str | None = None
    doc: str | None = None
    source: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Unique:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "no action"
    on_update: str = "no action"


@dataclass(frozen=True)
class Check:
    name: str
    #: The boolean expression, without ``CHECK ( )``.
    expression: str


@dataclass(frozen=True)
class IndexKey:
    #: A column name, or an expression in parentheses.
    expression: str
    descending: bool = False


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[IndexKey, ...]
    unique: bool = False
    #: A partial index's predicate (without ``WHERE``).
    where: str | None = None
    method: str = "btree"


@dataclass(frozen=True)
class EnumType:
    name: str
    values: tuple[str, ...]
    doc: str | None = None
    source: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    uniques: tuple[Unique, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    doc: str | None = None
    source: str | None = field(default=None, compare=False)

    def column(self, name: str) -> Column | None:
        return self.columns_by_name.get(name)

    @property
    def columns_by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def references(self) -> set[str]:
        """Tables this one's foreign keys point at (itself excluded)."""
        return {fk.ref_table for fk in self.foreign_keys} - {self.name}

    def same_as(self, other: Table) -> bool:
        """Equal as schemas: like ``==`` but blind to column and
        constraint order."""
        return _canonical(self) == _canonical(other)


@dataclass(frozen=True)
class Schema:
    tables: tuple[Table, ...] = ()
    enums: tuple[EnumType, ...] = ()

    def table(self, name: str) -> Table | None:
        return self.tables_by_name.get(name)

    @property
    def tables_by_name(self) -> dict[str, Table]:
        return {t.name: t for t in self.tables}

    @property
    def enums_by_name(self) -> dict[str, EnumType]:
        return {e.name: e for e in self.enums}

    def with_sources(self, definitions: Schema) -> Schema:
        """This schema with the ``source`` of each same-named table, column
        and enum type in ``definitions``: the normalised (read back) form of
        the definitions keeps pointing at the lines that wrote them."""
        defined = definitions.tables_by_name
        enums = definitions.enums_by_name
        tables = []
        for table in self.tables:
            origin = defined.get(table.name)
            if origin is None:
                tables.append(table)
                continue
            columns = tuple(
                replace(c, source=origin_column.source)
                if (origin_column := origin.column(c.name)) is not None
                else c
                for c in table.columns
            )
            tables.append(replace(table, columns=columns, source=origin.source))
        return replace(
            self,
            tables=tuple(tables),
            enums=tuple(
                replace(e, source=enums[e.name].source) if e.name in enums else e
                for e in self.enums
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schema:
        return Schema(
            tables=tuple(_table(t) for t in data.get("tables", ())),
            enums=tuple(
                EnumType(e["name"], tuple(e["values"]), e.get("doc"), e.get("source"))
                for e in data.get("enums", ())
            ),
        )


def _canonical(table: Table) -> tuple[Any, ...]:
    return (
        table.name,
        sorted(table.columns, key=lambda c: c.name),
        table.primary_key,
        sorted(table.uniques, key=lambda u: u.name),
        sorted(table.foreign_keys, key=lambda f: f.name),
        sorted(table.checks, key=lambda c: c.name),
        sorted(table.indexes, key=lambda i: i.name),
        table.doc,
    )


def _plain(value: Any) -> Any:
    """JSON-ready form: dataclasses as objects (every field, sources too),
    tuples as lists."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _table(data: dict[str, Any]) -> Table:
    pk = data.get("primary_key")
    return Table(
        name=data["name"],
        columns=tuple(Column(**c) for c in data["columns"]),
        primary_key=PrimaryKey(pk["name"], tuple(pk["columns"])) if pk else None,
        uniques=tuple(Unique(u["name"], tuple(u["columns"])) for u in data.get("uniques", ())),
        foreign_keys=tuple(
            ForeignKey(
                f["name"],
                tuple(f["columns"]),
                f["ref_table"],
                tuple(f["ref_columns"]),
                f.get("on_delete", "no action"),
                f.get("on_update", "no action"),
            )
            for f in data.get("foreign_keys", ())
        ),
        checks=tuple(Check(c["name"], c["expression"]) for c in data.get("checks", ())),
        indexes=tuple(
            Index(
                i["name"],
                tuple(IndexKey(k["expression"], k.get("descending", False)) for k in i["keys"]),
                i.get("unique", False),
                i.get("where"),
                i.get("method", "btree"),
            )
            for i in data.get("indexes", ())
        ),
        doc=data.get("doc"),
        source=data.get("source"),
    )
