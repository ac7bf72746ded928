"""Tables in Python: definitions, CREATE statements in dependency order, on PostgreSQL."""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from dibs.tables import (
    Column,
    Table,
    TableDefinitionError,
    column,
    create_sql,
    creation_order,
    define,
    describe,
    sql,
)


class Role(enum.Enum):
    ADMIN = "admin"
    MEMBER = "member"


@dataclass
class Team:
    """Groups of people."""

    id: int = column(primary_key=True)
    name: str = column(unique=True, doc="Shown in the UI.")


@dataclass
class Person:
    """People who can sign in."""

    id: uuid.UUID = column(primary_key=True, default=sql("gen_random_uuid()"))
    email: str = column(unique=True)
    team_id: int | None = column(references="teams.id", on_delete="set null")
    role: Role = column(default=Role.MEMBER)
    score: float = column(default=0.0)
    balance: decimal.Decimal = column(default=0)
    active: bool = column(default=True)
    born: datetime.date | None = column()
    created_at: datetime.datetime = column(default=sql("now()"))
    avatar: bytes | None = column()
    settings: dict[str, str] = column(default=sql("'{}'::jsonb"))
    tags: list[str] = column(default=sql("'{}'"))


TEAMS = define(Team, "teams")
PEOPLE = define(Person, "people")


def test_columns_from_type_hints() -> None:
    columns = {c.name: c for c in PEOPLE.columns}
    assert columns["id"] == Column("id", "UUID", False, True, default="gen_random_uuid()")
    assert columns["team_id"].nullable and columns["team_id"].references == "teams.id"
    assert (columns["role"].pg_type, columns["role"].default) == ("TEXT", "'member'")
    assert columns["score"].pg_type == "DOUBLE PRECISION"
    assert columns["balance"].pg_type == "NUMERIC"
    assert columns["active"].default == "true"
    assert columns["born"].pg_type == "DATE" and columns["born"].nullable
    assert columns["created_at"].pg_type == "TIMESTAMPTZ"
    assert columns["avatar"].pg_type == "BYTEA"
    assert columns["settings"].pg_type == "JSONB"
    assert columns["tags"].pg_type == "TEXT[]"
    assert PEOPLE.doc == "People who can sign in."
    assert PEOPLE.source is not None
    path, _, line = PEOPLE.source.rpartition(":")
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    class_line = lines.index("class Person:") + 1
    assert class_line - 1 <= int(line) <= class_line  # the class, or its decorator


def test_referenced_tables_come_first() -> None:
    assert [t.name for t in creation_order([PEOPLE, TEAMS])] == ["teams", "people"]
    cycle = Table("a", (Column("id", "BIGINT", False, True, references="b.id"),))
    other = Table("b", (Column("id", "BIGINT", False, True, references="a.id"),))
    with pytest.raises(TableDefinitionError, match="cycle"):
        creation_order([cycle, other])


def test_create_sql() -> None:
    text = create_sql([PEOPLE, TEAMS])
    assert text.index("CREATE TABLE teams") < text.index("CREATE TABLE people")
    assert "team_id BIGINT REFERENCES teams (id) ON DELETE SET NULL" in text
    assert "email TEXT NOT NULL UNIQUE" in text
    assert "COMMENT ON COLUMN teams.name IS 'Shown in the UI.';" in text


def test_definitions_round_trip_through_the_protocol_form() -> None:
    assert Table.from_dict(PEOPLE.to_dict()) == PEOPLE


def test_definition_errors() -> None:
    @dataclass
    class NoKey:
        name: str = column()

    with pytest.raises(TableDefinitionError, match="no primary key"):
        define(NoKey)
    with pytest.raises(TableDefinitionError, match="referential action"):
        column(references="x.id", on_delete="explode")


def test_describe_lists_docs_and_columns() -> None:
    text = describe([TEAMS])
    assert "teams" in text and "/// Groups of people." in text
    assert "name TEXT unique  // Shown in the UI." in text


def test_generated_sql_runs_on_postgresql(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(create_sql([PEOPLE, TEAMS]).encode())
        found = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert sorted(name for (name,) in found) == ["people", "teams"]
