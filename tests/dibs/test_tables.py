"""Tables in Python: dataclass definitions become `dibs.schema.model` objects.

Pure Python but for the last tests, which check the conventions against a
real PostgreSQL with SQL written here: the types `normalize_type` prints are
``format_type()``'s, default literals evaluate to the Python values, and the
constraint names are the ones PostgreSQL would pick.
"""

import dataclasses
import datetime
import decimal
import enum
import inspect
import keyword
import re
import sys
import typing
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NewType, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibs.schema.model import (
    Check,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexKey,
    PrimaryKey,
    Schema,
    Table,
    Unique,
)
from dibs.tables import (
    JSON,
    JSONB,
    TableDefinitionError,
    check,
    column,
    define,
    index,
    normalize_type,
    registered,
    registry,
    sql,
    table,
)

FILE = inspect.getsourcefile(sys.modules[__name__])
LINES = Path(__file__).read_text(encoding="utf-8").splitlines()


def at(start: str) -> str:
    """``file:line`` of the one line of this file that starts with ``start``
    (indentation aside)."""
    found = [n for n, line in enumerate(LINES, 1) if line.strip().startswith(start)]
    assert len(found) == 1, f"{start!r} starts lines {found}"
    return f"{FILE}:{found[0]}"


@contextmanager
def fails_at(start: str, message: str) -> Iterator[None]:
    """Expect a TableDefinitionError whose message begins with the
    ``file:line`` of ``start`` and goes on to say ``message``."""
    with pytest.raises(TableDefinitionError) as caught:
        yield
    text = str(caught.value)
    assert text.startswith(f"{at(start)}: "), text
    assert re.search(message, text), text


class Role(enum.Enum):
    """What a member may do."""

    ADMIN = "admin"
    MEMBER = "member"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class TicketState(enum.Enum):
    __pg_name__ = "ticket_status"

    OPEN = "open"
    CLOSED = "closed"


UserId = NewType("UserId", int)


def value_column(hint: Any, field: Any = None) -> Column:
    """Column ``value`` of type ``hint`` in a table that has nothing else
    but its key."""
    cls = dataclasses.make_dataclass(
        "Things",
        [("id", int, column(primary_key=True)), ("value", hint, field or column())],
    )
    found = define(cls).column("value")
    assert found is not None
    return found


# --- types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hint", "pg_type"),
    [
        (int, "bigint"),
        (str, "text"),
        (bool, "boolean"),
        (float, "double precision"),
        (decimal.Decimal, "numeric"),
        (datetime.datetime, "timestamp with time zone"),
        (datetime.date, "date"),
        (datetime.time, "time without time zone"),
        (datetime.timedelta, "interval"),
        (uuid.UUID, "uuid"),
        (bytes, "bytea"),
        (dict, "jsonb"),
        (dict[str, Any], "jsonb"),
        (dict[str, list[int]], "jsonb"),
        (Annotated[dict[str, Any], JSON], "json"),
        (Annotated[list[int], JSONB], "jsonb"),
        (Annotated[list[int], JSON], "json"),
        (list[int], "bigint[]"),
        (list[str], "text[]"),
        (list[list[float]], "double precision[]"),
        (list[int | None], "bigint[]"),
        (list[dict[str, int]], "jsonb[]"),
        (list[Role], "role[]"),
        (Role, "role"),
        (Priority, "priority"),
        (TicketState, "ticket_status"),
        (UserId, "bigint"),
        (Annotated[int, "unrelated metadata"], "bigint"),
    ],
)
def test_python_types_map_to_postgresql_types(hint: Any, pg_type: str) -> None:
    found = value_column(hint)
    assert (found.type, found.nullable) == (pg_type, False)


@pytest.mark.parametrize(
    "hint",
    [
        int | None,
        Optional[int],  # noqa: UP045 - the spelling under test
        typing.Union[None, int],  # noqa: UP007
        Annotated[int | None, "x"],
        Annotated[int, "x"] | None,
        Optional[UserId],  # noqa: UP045
    ],
)
def test_optional_hints_are_nullable_columns(hint: Any) -> None:
    assert value_column(hint) == Column("value", "bigint", nullable=True)


def test_a_type_override_is_normalized_and_keeps_nullability() -> None:
    assert value_column(str | None, column(type="VARCHAR(80)")) == Column(
        "value", "character varying(80)", nullable=True
    )
    # The override wins over a hint with no type of its own, or several.
    assert value_column(Any, column(type="Int4")).type == "integer"
    assert value_column(int | str, column(type="jsonb")).type == "jsonb"
    either = value_column(Annotated[int | str, "m"] | None, column(type="jsonb"))
    assert (either.type, either.nullable) == ("jsonb", True)
    # An enum hint with another type creates no enum type.
    with registry():

        @table
        @dataclass
        class Overridden:
            id: int = column(primary_key=True)
            role: Role = column(type="text")

        assert registered().enums == ()


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("VARCHAR(80)", "character varying(80)"),
        ("varchar", "character varying"),
        ("character varying ( 3 )", "character varying(3)"),
        ("int", "integer"),
        ("INT4", "integer"),
        ("integer", "integer"),
        ("int8", "bigint"),
        ("int2", "smallint"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamptz(3)", "timestamp(3) with time zone"),
        ("timestamp", "timestamp without time zone"),
        ("timestamp (6) WITH TIME ZONE", "timestamp(6) with time zone"),
        ("timetz", "time with time zone"),
        ("time", "time without time zone"),
        ("float8", "double precision"),
        ("float4", "real"),
        ("float", "double precision"),
        ("float(24)", "real"),
        ("float(25)", "double precision"),
        ("bool", "boolean"),
        ("decimal(10,2)", "numeric(10,2)"),
        ("numeric(10, 2)", "numeric(10,2)"),
        ("decimal", "numeric"),
        ("char(5)", "character(5)"),
        ("char", "character(1)"),
        ("bit", "bit(1)"),
        ("varbit(4)", "bit varying(4)"),
        ("int[]", "integer[]"),
        ("varchar(20)[][]", "character varying(20)[]"),
        ("text [3]", "text[]"),
        ("  Double   Precision ", "double precision"),
        ("interval day to second", "interval day to second"),
        ("CITEXT", "citext"),
        ("Ticket_Status", "ticket_status"),
        ("public.hstore", "public.hstore"),
    ],
)
def test_normalize_type(written: str, printed: str) -> None:
    assert normalize_type(written) == printed


@pytest.mark.parametrize("written", ["serial", "BIGSERIAL", "serial4", "smallserial"])
def test_serial_is_not_a_type(written: str) -> None:
    with pytest.raises(ValueError, match="identity"):
        normalize_type(written)


def test_an_empty_type_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        normalize_type("  ")


TYPE_WORDS = ["int", "int4", "int8", "varchar", "numeric", "timestamptz", "time", "bit", "citext"]


@given(
    st.sampled_from(TYPE_WORDS),
    st.one_of(st.none(), st.integers(1, 60).map(str), st.just("10, 2")),
    st.booleans(),
    st.booleans(),
)
def test_normalize_type_is_idempotent(
    word: str, args: str | None, upper: bool, array: bool
) -> None:
    written = word + (f"({args})" if args else "") + ("[]" if array else "")
    once = normalize_type(written.upper() if upper else written)
    assert normalize_type(once) == once
    assert once.endswith("[]") == array


# --- defaults ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hint", "default", "literal"),
    [
        (str, "it's", "'it''s'"),
        (str, "", "''"),
        (int, 3, "3"),
        (int, -7, "-7"),
        (float, -2.5, "-2.5"),
        (float, float("nan"), "'NaN'"),
        (float, float("-inf"), "'-Infinity'"),
        (bool, True, "true"),
        (bool, False, "false"),
        (int | None, None, "NULL"),
        (decimal.Decimal, decimal.Decimal("1.50"), "1.50"),
        (decimal.Decimal, decimal.Decimal("Infinity"), "'Infinity'"),
        (Role, Role.MEMBER, "'member'"),
        (Priority, Priority.HIGH, "'2'"),
        (list[int], [1, 2], "'{1,2}'"),
        (list[str], ['a "b"', "c\\d", "it's", None], '\'{"a \\"b\\"","c\\\\d","it\'\'s",NULL}\''),
        (list[list[int]], [[1], [2]], "'{{1},{2}}'"),
        (list[Role], [Role.ADMIN], "'{\"admin\"}'"),
        (dict[str, Any], {"a": [1, "x"]}, '\'{"a": [1, "x"]}\'::jsonb'),
        (Annotated[list[int], JSON], [1, 2], "'[1, 2]'::json"),
        (Annotated[dict[str, str], JSONB], {"é": "it's"}, "'{\"é\": \"it''s\"}'::jsonb"),
        (datetime.date, datetime.date(2024, 1, 2), "'2024-01-02'"),
        (
            datetime.datetime,
            datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "'2024-01-02T03:04:05+00:00'",
        ),
        (datetime.time, datetime.time(12, 30), "'12:30:00'"),
        (
            datetime.timedelta,
            datetime.timedelta(hours=1, microseconds=5),
            "'0 days 3600.000005 seconds'",
        ),
        (uuid.UUID, uuid.UUID(int=1), "'00000000-0000-0000-0000-000000000001'"),
        (bytes, b"\x00\xff", "'\\x00ff'"),
        (datetime.datetime, sql("now()"), "now()"),
    ],
)
def test_defaults_become_sql_literals(hint: Any, default: Any, literal: str) -> None:
    assert value_column(hint, column(default=default)).default == literal


def test_no_default_is_none_and_a_plain_dataclass_default_counts() -> None:
    @dataclass
    class Notes:
        id: int = column(primary_key=True)
        title: str = column()
        body: str = ""
        tags: list[str] = dataclasses.field(default_factory=list)

    defined = define(Notes)
    assert [(c.name, c.default) for c in defined.columns] == [
        ("id", None),
        ("title", None),
        ("body", "''"),
        ("tags", None),
    ]


def test_the_python_default_follows_the_column_default() -> None:
    @dataclass
    class Settings:
        id: int = column(primary_key=True)
        active: bool = column(default=True)
        tags: list[str] = column(default=["a"])
        created_at: datetime.datetime = column(default=sql("now()"))

    first, second = Settings(), Settings()
    values: tuple[Any, ...] = (first.id, first.active, first.tags, first.created_at)
    assert values == (None, True, ["a"], None)
    first.tags.append("b")
    assert second.tags == ["a"]  # each row has its own list


# --- keys, constraints, indexes --------------------------------------------------


def test_a_primary_key_column() -> None:
    @dataclass
    class Team:
        id: int = column(primary_key=True)
        name: str = column(unique=True)

    assert define(Team, "teams") == Table(
        "teams",
        (Column("id", "bigint"), Column("name", "text")),
        PrimaryKey("teams_pkey", ("id",)),
        uniques=(Unique("teams_name_key", ("name",)),),
    )


def test_composite_primary_keys() -> None:
    @dataclass
    class Membership:
        user_id: int = column()
        team_id: int = column()
        role: Role = column()

    @dataclass
    class Flagged:
        team_id: int = column(primary_key=True)
        user_id: int = column(primary_key=True)

    assert define(Membership, primary_key=("team_id", "user_id")).primary_key == PrimaryKey(
        "membership_pkey", ("team_id", "user_id")
    )
    assert define(Membership, primary_key="user_id").primary_key == PrimaryKey(
        "membership_pkey", ("user_id",)
    )
    assert define(Flagged).primary_key == PrimaryKey("flagged_pkey", ("team_id", "user_id"))


def test_unique_constraints() -> None:
    @dataclass
    class Seat:
        id: int = column(primary_key=True)
        code: str = column(unique=True)
        row: int = column()
        number: int = column()

    defined = define(Seat, unique=[("row", "number"), ["number", "code"]])
    assert defined.uniques == (
        Unique("seat_code_key", ("code",)),
        Unique("seat_row_number_key", ("row", "number")),
        Unique("seat_number_code_key", ("number", "code")),
    )


def test_foreign_keys_with_actions() -> None:
    @dataclass
    class Post:
        id: int = column(primary_key=True)
        author_id: int = column(references="users.id", on_delete="CASCADE")
        editor_id: int | None = column(references="users", on_delete="set  null")
        topic: str = column(references="topics.name", on_update="Cascade", on_delete="restrict")
        parent_id: int | None = column(references="post.id", on_delete="set default")

    assert define(Post).foreign_keys == (
        ForeignKey("post_author_id_fkey", ("author_id",), "users", ("id",), "cascade"),
        ForeignKey("post_editor_id_fkey", ("editor_id",), "users", ("id",), "set null"),
        ForeignKey("post_topic_fkey", ("topic",), "topics", ("name",), "restrict", "cascade"),
        ForeignKey("post_parent_id_fkey", ("parent_id",), "post", ("id",), "set default"),
    )
    assert define(Post).references() == {"users", "topics"}


def test_indexes() -> None:
    @dataclass
    class Event:
        id: int = column(primary_key=True)
        kind: str = column()
        at: datetime.datetime = column()
        email: str = column()
        data: dict[str, Any] = column()
        userId: int = column()  # mixed case: PostgreSQL keeps it as it is

    defined = define(
        Event,
        indexes=[
            index("kind", "at DESC"),
            index("at asc", unique=True),
            index("(lower(email))", unique=True, where="kind <> 'test'"),
            index("data", method=" GIN", name="event_data"),
            index("kind", "(at::date) desc", where="at > '2020-01-01'"),
            index("userId"),
        ],
    )
    assert defined.indexes == (
        Index("event_kind_at_idx", (IndexKey("kind"), IndexKey("at", descending=True))),
        Index("event_at_idx", (IndexKey("at"),), unique=True),
        Index(
            "event_lower_email_idx",
            (IndexKey("(lower(email))"),),
            unique=True,
            where="kind <> 'test'",
        ),
        Index("event_data", (IndexKey("data"),), method="gin"),
        Index(
            "event_kind_at_date_idx",
            (IndexKey("kind"), IndexKey("(at::date)", descending=True)),
            where="at > '2020-01-01'",
        ),
        Index("event_userId_idx", (IndexKey("userId"),)),
    )


def test_checks() -> None:
    @dataclass
    class Product:
        id: int = column(primary_key=True)
        price: decimal.Decimal = column(check="price > 0")
        sale_price: decimal.Decimal | None = column()

    defined = define(
        Product,
        checks=[check("sale_price < price"), check("sale_price >= 0", name="non_negative")],
    )
    first, second = defined.checks[1:]
    assert defined.checks[0] == Check("product_price_check", "price > 0")
    assert re.fullmatch(r"product_check_[0-9a-f]{8}", first.name)
    assert first.expression == "sale_price < price"
    assert second == Check("non_negative", "sale_price >= 0")
    # The name follows the expression: stable for one, different for another.
    assert define(Product, checks=[check("sale_price < price")]).checks[1].name == first.name
    assert define(Product, checks=[check("sale_price <= price")]).checks[1].name != first.name


def test_identity_columns() -> None:
    @dataclass
    class Counter:
        id: int = column(primary_key=True, identity="always")
        other: int = column(type="int4", identity="BY  DEFAULT")

    assert [(c.name, c.type, c.identity) for c in define(Counter).columns] == [
        ("id", "bigint", "always"),
        ("other", "integer", "by default"),
    ]


# --- names ---------------------------------------------------------------------


def test_names_over_63_bytes_are_shortened_with_a_hash() -> None:
    t, a, b, c = "t" * 40, "a" * 30, "b" * 30, "c" * 18
    cls = dataclasses.make_dataclass(
        "Long",
        [
            ("id", int, column(primary_key=True)),
            (a, int, column()),
            (b, int, column()),
            (c, int, column(unique=True)),
        ],
    )
    defined = define(cls, t, unique=[(a, b), (a, "id")])
    exact, first, second = defined.uniques
    assert exact.name == f"{t}_{c}_key"  # 63 bytes: kept as it is
    # The two long names share their first 54 bytes; the hash of the whole
    # name tells them apart, and is the same in every run.
    assert first.name[:54] == second.name[:54] == f"{t}_{a}"[:54]
    assert re.fullmatch(r"_[0-9a-f]{8}", first.name[54:])
    assert re.fullmatch(r"_[0-9a-f]{8}", second.name[54:])
    assert first.name != second.name
    assert define(cls, t, unique=[(a, b), (a, "id")]) == defined


def test_shortening_never_splits_a_character() -> None:
    cls = dataclasses.make_dataclass(
        "Accents", [("id", int, column(primary_key=True)), ("é" * 30, int, column(unique=True))]
    )
    # "cafe_" is 5 bytes, so byte 54 falls inside the 25th "é".
    name = define(cls, "cafe").uniques[0].name
    assert re.fullmatch(r"cafe_é{24}_[0-9a-f]{8}", name)


IDENTIFIERS = st.from_regex(r"[a-zé][a-z0-9_é]{0,29}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name)
)


@settings(max_examples=60)
@given(IDENTIFIERS, st.lists(IDENTIFIERS, min_size=1, max_size=3, unique=True))
def test_every_generated_name_fits_and_is_stable(table_name: str, names: list[str]) -> None:
    fields = [(name, int, column(unique=True, check=f"{name} > 0")) for name in names]
    cls = dataclasses.make_dataclass("Generated", [("ID", int, column(primary_key=True)), *fields])
    options: dict[str, Any] = {
        "indexes": [index(*names), index(f"({names[0]} + 1)")],
        "checks": [check(f"{names[0]} < 10")],
        "unique": [names] if len(names) > 1 else [],
    }
    defined = define(cls, table_name, **options)
    assert define(cls, table_name, **options) == defined
    found = [defined.primary_key.name if defined.primary_key else ""]
    for group in (defined.uniques, defined.checks, defined.indexes):
        found += [item.name for item in group]
    for name in found:
        assert len(name.encode()) <= 63
        assert name.startswith(table_name.encode()[:54].decode(errors="ignore"))
    assert len(set(found)) == len(found)


def test_long_table_column_and_explicit_names_are_refused() -> None:
    @dataclass
    class Short:
        id: int = column(primary_key=True)

    with fails_at("class Short:", "table name 'xxxxx+' is 64 bytes long"):
        define(Short, "x" * 64)
    with fails_at("class Short:", "index name .* is 64 bytes long"):
        define(Short, indexes=[index("id", name="i" * 64)])
    with fails_at("class Short:", "check name .* is 70 bytes long"):
        define(Short, checks=[check("id > 0", name="c" * 70)])
    cls = dataclasses.make_dataclass("Wide", [("w" * 64, int, column(primary_key=True))])
    with pytest.raises(TableDefinitionError, match=r"^types\.Wide: column name 'w+' is 64 bytes"):
        define(cls)


# --- docs and sources -------------------------------------------------------------


@dataclass
class Person:
    """People who can sign in.

    Teams group them.
    """

    id: uuid.UUID = column(primary_key=True, default=sql("gen_random_uuid()"))
    email_address: str = column(
        unique=True,
        doc="Where we write to them.",
    )
    role: Role = column(default=Role.MEMBER)


@dataclass
class Undocumented:
    id: int = column(primary_key=True)


@dataclass
class Stamped:
    stamped_at: datetime.datetime = column(default=sql("now()"))


@dataclass
class Reply(Stamped):
    """A reply."""

    reply_id: int = column(primary_key=True)


def test_docs_and_sources() -> None:
    person = define(Person)
    assert person.doc == "People who can sign in.\n\nTeams group them."
    assert person.source == at("class Person:")
    assert [(c.name, c.doc, c.source) for c in person.columns] == [
        ("id", None, at("id: uuid.UUID = column(primary_key=True, default=sql(")),
        ("email_address", "Where we write to them.", at("email_address: str = column(")),
        ("role", None, at("role: Role = column(default=Role.MEMBER)")),
    ]
    # Not the signature dataclasses invent for a class without a docstring.
    assert Undocumented.__doc__ and define(Undocumented).doc is None
    reply = define(Reply)
    assert reply.doc == "A reply."
    assert {c.name: c.source for c in reply.columns} == {
        "stamped_at": at("stamped_at: datetime.datetime = column("),
        "reply_id": at("reply_id: int = column(primary_key=True)"),
    }


def test_a_decorated_local_class_points_at_its_class_line() -> None:
    with registry():

        @table(
            "decorated",
            indexes=[index("decorated_id")],
        )
        @dataclass
        class Decorated:
            """Decorated."""

            decorated_id: int = column(primary_key=True)

        found = registered().table("decorated")
    assert found is not None
    assert found.source == at("class Decorated:")
    assert found.columns[0].source == at("decorated_id: int = column(")


def test_without_source_a_definition_still_works() -> None:
    cls = dataclasses.make_dataclass("Made", [("id", int, column(primary_key=True))])
    defined = define(cls)
    assert (defined.name, defined.source, defined.doc) == ("made", None, None)
    assert defined.columns[0].source is None
    documented = dataclasses.make_dataclass(
        "Documented",
        [("id", int, column(primary_key=True))],
        namespace={"__doc__": "Made.\n    Twice."},
    )
    assert define(documented).doc == "Made.\nTwice."
    empty = dataclasses.make_dataclass("Empty", [("x", int, column())])
    with pytest.raises(TableDefinitionError, match=r"^types\.Empty: table empty has no primary"):
        define(empty)


# --- the registry -------------------------------------------------------------------


def test_registered_tables_and_their_enum_types() -> None:
    with registry():

        @table("members")
        @dataclass
        class Member:
            id: int = column(primary_key=True)
            role: Role = column()
            state: TicketState | None = column()

        @table
        @dataclass
        class HTTPRequestLog:
            id: int = column(primary_key=True)
            roles: list[Role] = column()
            member_id: int = column(references="members")

        schema = registered()
    assert [t.name for t in schema.tables] == ["members", "http_request_log"]
    assert schema.enums == (
        EnumType("role", ("admin", "member"), "What a member may do."),
        EnumType("ticket_status", ("open", "closed")),
    )
    assert schema.enums[0].source == at("class Role(enum.Enum):")
    assert schema.enums[1].source == at("class TicketState(enum.Enum):")
    assert Schema.from_dict(schema.to_dict()) == schema
    assert registered() != schema  # the scope is gone with its tables


def test_an_integer_enum_has_its_values_as_text() -> None:
    with registry():

        @table
        @dataclass
        class Job:
            id: int = column(primary_key=True)
            priority: Priority = column(default=Priority.LOW)

        assert registered().enums == (EnumType("priority", ("1", "2")),)


def test_registering_the_same_class_again_replaces_it() -> None:
    with registry():

        @dataclass
        class Again:
            id: int = column(primary_key=True)

        table(Again)
        table(Again)
        assert [t.name for t in registered().tables] == ["again"]


def test_a_table_name_defined_twice_is_refused() -> None:
    with registry():

        @table("things")
        @dataclass
        class First:
            id: int = column(primary_key=True)

        with fails_at("class Second:", r"table things is already defined at .*:\d+"):

            @table("things")
            @dataclass
            class Second:
                id: int = column(primary_key=True)


def test_relation_names_are_unique_across_tables() -> None:
    with registry():

        @table(indexes=[index("id", name="shared")])
        @dataclass
        class Left:
            id: int = column(primary_key=True)

        with fails_at("class Right:", "shared is already the name .* of table left"):

            @table(indexes=[index("id", name="shared")])
            @dataclass
            class Right:
                id: int = column(primary_key=True)


class OtherRole(enum.Enum):
    __pg_name__ = "role"

    OWNER = "owner"


class OtherStatus(enum.Enum):
    __pg_name__ = "status"

    ON = "on"


def test_two_enums_of_one_name_are_refused() -> None:
    with registry():

        @table
        @dataclass
        class UsesRole:
            id: int = column(primary_key=True)
            role: Role = column()

        with fails_at("class OtherRole(enum.Enum):", "enum type role is already defined"):

            @table
            @dataclass
            class UsesOtherRole:
                id: int = column(primary_key=True)
                role: OtherRole = column()

    with registry():

        @table
        @dataclass
        class Status:
            id: int = column(primary_key=True)

        with fails_at("class UsesStatus:", "status names both a table and an enum type"):

            @table
            @dataclass
            class UsesStatus:
                id: int = column(primary_key=True)
                state: Annotated[Role, "x"] = column(type="text")
                other: OtherStatus = column()

        with fails_at("class RoleTable:", "role names both a table and an enum type"):

            @table
            @dataclass
            class UsesRoleToo:
                id: int = column(primary_key=True)
                role: Role = column()

            @table("role")
            @dataclass
            class RoleTable:
                id: int = column(primary_key=True)

    with fails_at("other: OtherRole = column()", "enum type role is also defined"):

        @dataclass
        class UsesBoth:
            id: int = column(primary_key=True)
            role: Role = column()
            other: OtherRole = column()

        define(UsesBoth)


def test_foreign_keys_must_match_a_key_of_a_registered_table() -> None:
    with registry():

        @table(unique=[("nickname",)], indexes=[index("code", unique=True)])
        @dataclass
        class Owner:
            id: int = column(primary_key=True)
            nickname: str = column()
            code: str = column()
            tag: str = column(unique=True)

        @table
        @dataclass
        class Pet:
            id: int = column(primary_key=True)
            owner_id: int = column(references="owner")
            owner_nickname: str = column(references="owner.nickname")
            owner_code: str = column(references="owner.code")
            owner_tag: str = column(references="owner.tag")
            vet_id: int = column(references="vets.id")  # not registered: not checked

        assert len(registered().tables) == 2

        @table
        @dataclass
        class Collar:
            id: int = column(primary_key=True)
            pet_id: int = column(references="pet.idd")

        with fails_at("pet_id: int = column(references=", "pet has no such column"):
            registered()
    with registry():

        @table(indexes=[index("code", unique=True, where="id > 0")])
        @dataclass
        class Keeper:
            id: int = column(primary_key=True)
            code: str = column()

        @table
        @dataclass
        class Cage:
            id: int = column(primary_key=True)
            keeper_code: str = column(references="keeper.code")

        with fails_at("keeper_code: str = column(", "neither its primary key nor unique"):
            registered()


# --- errors, each at its file:line ----------------------------------------------------


def test_no_primary_key() -> None:
    @dataclass
    class Keyless:
        name: str = column()

    with fails_at("class Keyless:", r"has no primary key: .*column\(primary_key=True\)"):
        define(Keyless)
    with fails_at("class Keyless:", "primary_key names 'nope', which is not a column"):
        define(Keyless, primary_key=("name", "nope"))


def test_an_optional_primary_key_column() -> None:
    @dataclass
    class OptionalKey:
        id: int | None = column(primary_key=True)

    @dataclass
    class OptionalPart:
        first: int = column()
        second: int | None = column()

    with fails_at("id: int | None = column(primary_key=True)", "id is in the primary key, so"):
        define(OptionalKey)
    with fails_at("second: int | None = column()", "second is in the primary key, so"):
        define(OptionalPart, primary_key=["first", "second"])


def test_a_primary_key_given_twice() -> None:
    @dataclass
    class TwiceKeyed:
        id: int = column(primary_key=True)
        other: int = column()

    with fails_at("class TwiceKeyed:", "primary key is given twice"):
        define(TwiceKeyed, primary_key=("id", "other"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"references": "a.id", "on_delete": "explode"}, "unknown on_delete action 'explode'; "),
        ({"references": "a.id", "on_update": "set_null"}, "use one of: no action, restrict"),
        ({"on_delete": "cascade"}, "on_delete without references"),
        ({"references": "a.id", "on_delete": "set null"}, "'set null' on a column that cannot"),
        ({"references": "a.b.c"}, "references='a.b.c' is not a table name"),
        ({"references": "a id"}, "write references='table.column'"),
        ({"references": ""}, "references='' is not"),
        ({"identity": "sometimes"}, "neither 'always' nor 'by default'"),
        ({"identity": "always", "type": "text"}, "smallint, integer or bigint, not text"),
        ({"identity": "always", "default": 1}, "identity column .* drop the default"),
        ({"type": "serial"}, "serial is not a type"),
        ({"default": object()}, r"no SQL literal for the default <object.*sql\('...'\)"),
        ({"default": {1, 2}}, "no SQL literal"),
    ],
)
def test_column_option_errors(options: dict[str, Any], message: str) -> None:
    @dataclass
    class Bad:
        id: int = column(primary_key=True)
        value: int = column(**options)

    with fails_at("value: int = column(**options)", f"column value: .*{message}"):
        define(Bad)


def test_a_default_that_is_not_json() -> None:
    @dataclass
    class BadJson:
        id: int = column(primary_key=True)
        data: dict[str, Any] = column(default={"a": object()})

    with fails_at("data: dict[str, Any] = column(default={", "is not JSON"):
        define(BadJson)


def test_an_optional_identity_column() -> None:
    @dataclass
    class OptionalIdentity:
        id: int = column(primary_key=True)
        number: int | None = column(identity="always")

    with fails_at("number: int | None = column(identity=", "identity column is never NULL"):
        define(OptionalIdentity)


@pytest.mark.parametrize(
    ("hint", "message"),
    [
        (object, r"no PostgreSQL type for object; give one with column\(type='...'\)"),
        (list, "no PostgreSQL type for list"),
        (list[object], r"no PostgreSQL type for list\[object\]"),
        (Any, "no PostgreSQL type for Any;"),
        (int | str, r"int \| str allows more than one type"),
        (int | str | None, "allows more than one type"),
    ],
)
def test_hints_without_a_type(hint: Any, message: str) -> None:
    @dataclass
    class Untyped:
        id: int = column(primary_key=True)
        value: hint = column()

    with fails_at("value: hint = column()", f"column value: .*{message}"):
        define(Untyped)


def test_a_hint_that_does_not_resolve() -> None:
    @dataclass
    class Unresolved:
        id: int = column(primary_key=True)
        value: "Missing" = column()  # type: ignore[name-defined]  # noqa: F821

    with fails_at("class Unresolved:", "cannot resolve a type hint .*Missing"):
        define(Unresolved)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"unique": [("name", "nope")]}, "unique names 'nope'.*its columns: id, name"),
        (
            {"unique": ["name"]},
            r"unique takes column tuples, not 'name': write unique=\[\('name',\)\]",
        ),
        ({"unique": [()]}, "unique names no columns"),
        ({"unique": [("name", "name")]}, "names a column twice"),
        ({"indexes": [index("nope")]}, "index key 'nope' is not a column"),
        ({"indexes": [index("name DESC NULLS LAST")]}, "expression goes in parentheses"),
        ({"indexes": [index()]}, "needs at least one key"),
        ({"indexes": ["name"]}, r"indexes takes index\(...\) values"),
        ({"checks": ["id > 0"]}, r"checks takes check\(...\) values"),
        ({"indexes": [index("name"), index("name", where="id > 0")]}, "named tableau_name_idx"),
        ({"unique": [("name",)], "indexes": [index("id", name="tableau_name_key")]}, "two constr"),
    ],
)
def test_table_option_errors(options: dict[str, Any], message: str) -> None:
    @dataclass
    class Tableau:
        id: int = column(primary_key=True)
        name: str = column()

    with fails_at("class Tableau:", message):
        define(Tableau, **options)


def test_a_class_that_is_not_a_dataclass() -> None:
    with registry():
        with fails_at("class Plain:", "Plain is not a dataclass: put @dataclass under @table"):

            @dataclass
            @table
            class Plain:
                id: int = column(primary_key=True)

        @dataclass
        class Base:
            id: int = column(primary_key=True)

        with fails_at("class Derived(Base):", "is not a dataclass"):

            @table
            class Derived(Base):
                name: str = column()

        assert registered().tables == ()


class Huge(enum.Enum):
    BIG = "x" * 64


def test_an_enum_label_over_63_bytes() -> None:
    with fails_at("class Huge(enum.Enum):", "value 'x+' is over 63 bytes"):
        value_column(Huge)


# --- against PostgreSQL ---------------------------------------------------------------


def test_types_are_what_format_type_prints(database_url: str) -> None:
    import psycopg

    written = ["VARCHAR(80)", "timestamptz(3)", "float(24)", "char", "bit", "decimal(10, 2)"]
    written += ["int2[]", "timetz", "varbit", "interval day to second", "time(2)", "float"]
    mapped = [value_column(hint).type for hint in (int, float, datetime.time, list[bytes])]
    mapped += [value_column(hint).type for hint in (dict, datetime.datetime, decimal.Decimal)]
    types = [*written, *mapped]
    columns = ", ".join(f"c{n} {pg_type}" for n, pg_type in enumerate(types))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE probe ({columns})".encode())
        printed = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = 'probe'::regclass AND attnum > 0 ORDER BY attnum"
        ).fetchall()
    assert [normalize_type(t) for t in written] + mapped == [p for (p,) in printed]


LITERALS: list[tuple[Any, Any]] = [
    (str, 'it\'s \\ "quoted"'),
    (int, -7),
    (float, 0.1),
    (float, float("inf")),
    (bool, False),
    (decimal.Decimal, decimal.Decimal("1.50")),
    (Role, Role.ADMIN),
    (list[str], ['a "b"', "c\\d", "it's", "", "NULL", None, "{,}"]),
    (list[list[int]], [[1, 2], [3, 4]]),
    (list[float], [1.5, float("nan")]),
    (dict[str, Any], {"a": [1, "it's"], "b": None}),
    (datetime.date, datetime.date(2024, 2, 29)),
    (datetime.datetime, datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)),
    (datetime.time, datetime.time(23, 59, 59, 1)),
    (datetime.timedelta, datetime.timedelta(days=-1, seconds=5, microseconds=7)),
    (uuid.UUID, uuid.uuid4()),
    (bytes, b"\x00\\'\xff"),
]


def test_default_literals_evaluate_to_the_python_values(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(b"CREATE TYPE role AS ENUM ('admin', 'member')")

        def evaluated(hint: Any, value: Any) -> Any:
            found = value_column(hint, column(default=value))
            assert found.default is not None
            query = f"SELECT ({found.default})::{found.type}"
            return conn.execute(query.encode()).fetchone()[0]  # type: ignore[index]

        for hint, value in LITERALS:
            got = evaluated(hint, value)
            if hint is Role:
                assert got == value.value
            elif hint == list[float]:
                assert got[0] == 1.5 and got[1] != got[1]
            else:
                assert got == value, (hint, value, got)

        @settings(max_examples=50, deadline=None)
        @given(st.lists(st.one_of(st.none(), st.text(st.characters(exclude_characters="\x00")))))
        def texts_round_trip(values: list[str | None]) -> None:
            assert evaluated(list[str], values) == values
            for text in values:
                if text is not None:
                    assert evaluated(str, text) == text

        texts_round_trip()


def test_names_are_the_ones_postgresql_picks(database_url: str) -> None:
    import psycopg

    @dataclass
    class Members:
        team_id: int = column(references="teams")
        user_id: int = column()
        email: str = column(unique=True)
        age: int = column(check="age > 0")

    members = define(
        Members,
        primary_key=("team_id", "user_id"),
        unique=[("email", "age")],
        indexes=[index("user_id", "email")],
    )
    ours = {members.primary_key.name} if members.primary_key else set()
    for group in (members.uniques, members.foreign_keys, members.checks, members.indexes):
        ours |= {item.name for item in group}
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            b"CREATE TABLE teams (id bigint PRIMARY KEY);"
            b" CREATE TABLE members (team_id bigint REFERENCES teams, user_id bigint,"
            b" email text UNIQUE, age bigint CHECK (age > 0), PRIMARY KEY (team_id, user_id),"
            b" UNIQUE (email, age));"
            b" CREATE INDEX ON members (user_id, email);"
        )
        theirs = conn.execute(
            # PostgreSQL 18 also names NOT NULL constraints (contype n); dibs
            # keeps nullability on the column, not as a named constraint
            "SELECT conname FROM pg_constraint WHERE conrelid = 'members'::regclass"
            " AND contype <> 'n'"
            " UNION SELECT relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid"
            " WHERE i.indrelid = 'members'::regclass"
        ).fetchall()
    assert ours == {name for (name,) in theirs}
