"""The difference between two schemas: each kind of change and its exact
SQL, the order that keeps dependencies, renames, suggestions, the protocol
form; then real PostgreSQL applies a diff to prove the SQL does what the
definitions say."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from dibs.schema import ddl
from dibs.schema.diff import Change, DiffError, SchemaDiff, diff, is_widening
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
from tests.dibs.schema.test_ddl import PROJECTS, RICH, TEAMS, USER, catalog
from tests.dibs.schema.test_ddl import scratch_schema as scratch


def table(name: str, *columns: Column, **parts: Any) -> Table:
    """A table with an ``id bigint`` primary key before ``columns``."""
    return Table(
        name, (Column("id", "bigint"), *columns), PrimaryKey(f"{name}_pkey", ("id",)), **parts
    )


def fk(name: str, column: str, target: str, **actions: str) -> ForeignKey:
    return ForeignKey(f"{name}_{column}_fkey", (column,), target, ("id",), **actions)


def statements(difference: SchemaDiff) -> list[str]:
    return [s for change in difference.changes for s in change.statements]


def kinds(difference: SchemaDiff) -> list[str]:
    return [change.kind for change in difference.changes]


def one(difference: SchemaDiff) -> Change:
    assert len(difference.changes) == 1, difference.sql()
    return difference.changes[0]


# --- nothing to do ----------------------------------------------------------


def test_a_schema_against_itself_is_empty() -> None:
    difference = diff(RICH, RICH)
    assert difference.empty and not difference.destructive and difference.transactional
    assert difference.sql() == ""
    assert difference.by_table() == {}
    assert difference.rename_suggestions == ()


def test_order_of_columns_constraints_and_enums_does_not_matter() -> None:
    shuffled = Schema(
        tuple(
            dataclasses.replace(
                t,
                columns=t.columns[::-1],
                foreign_keys=t.foreign_keys[::-1],
                indexes=t.indexes[::-1],
            )
            for t in RICH.tables[::-1]
        ),
        RICH.enums[::-1],
    )
    assert diff(shuffled, RICH).empty


def test_sources_do_not_count() -> None:
    sourced = Schema(
        tuple(dataclasses.replace(t, source="tables.py:3") for t in RICH.tables), RICH.enums
    )
    assert diff(sourced, RICH).empty


# --- tables and columns -------------------------------------------------------


def test_add_and_drop_tables() -> None:
    base = Schema((table("a"),))
    added = diff(Schema((table("a"), table("b", Column("n", "text")))), base)
    assert one(added).kind == "add_table"
    assert one(added).statements == (
        "CREATE TABLE b (\n"
        "    id bigint NOT NULL,\n"
        "    n text NOT NULL,\n"
        "    CONSTRAINT b_pkey PRIMARY KEY (id)\n"
        ");",
    )
    assert not added.destructive
    dropped = one(diff(Schema(), base))
    assert (dropped.kind, dropped.table, dropped.statements) == (
        "drop_table",
        "a",
        ("DROP TABLE a;",),
    )
    assert dropped.destructive and dropped.note == "deletes the table and all its rows"


def test_add_and_drop_columns() -> None:
    base = Schema((table("t", Column("old", "text")),))
    want = Schema((table("t", Column("n", "integer", default="0"), Column("m", "text")),))
    difference = diff(want, base)
    assert [(c.kind, c.subject) for c in difference.changes] == [
        ("add_column", "n"),
        ("add_column", "m"),
        ("drop_column", "old"),
    ]
    assert statements(difference) == [
        "ALTER TABLE t ADD COLUMN n integer NOT NULL DEFAULT 0;",
        "ALTER TABLE t ADD COLUMN m text NOT NULL;",
        "ALTER TABLE t DROP COLUMN old;",
    ]
    n, m, old = difference.changes
    assert n.note is None and not n.destructive
    assert m.note == "fails if the table has rows: NOT NULL without a default"
    assert not m.destructive
    assert old.destructive and old.note == "deletes the column and its values"


def column_change(old: Column, new: Column) -> SchemaDiff:
    return diff(Schema((table("t", new),)), Schema((table("t", old),)))


def test_widening_a_type_is_not_destructive() -> None:
    change = one(column_change(Column("n", "integer"), Column("n", "bigint")))
    assert change.kind == "alter_column_type"
    assert change.statements == ("ALTER TABLE t ALTER COLUMN n TYPE bigint USING n::bigint;",)
    assert not change.destructive and change.note is None
    assert change.description == "change type of t.n from integer to bigint"


def test_narrowing_a_type_is_destructive() -> None:
    change = one(
        column_change(Column("n", "character varying(80)"), Column("n", "character varying(20)"))
    )
    assert change.destructive
    assert change.note == (
        "converting character varying(80) to character varying(20) may fail or change values"
    )


@pytest.mark.parametrize(
    ("old", "new", "safe"),
    [
        ("smallint", "integer", True),
        ("smallint", "bigint", True),
        ("integer", "bigint", True),
        ("bigint", "integer", False),
        ("integer", "numeric", True),
        ("integer", "numeric(5,0)", False),
        ("real", "double precision", True),
        ("double precision", "real", False),
        ("character varying(20)", "character varying(80)", True),
        ("character varying(80)", "character varying(20)", False),
        ("character varying(20)", "character varying", True),
        ("character varying", "character varying(20)", False),
        ("character varying(20)", "text", True),
        ("text", "character varying", True),
        ("text", "character varying(20)", False),
        ("numeric(10,2)", "numeric", True),
        ("numeric(10,2)", "numeric(12,2)", True),
        ("numeric(10,2)", "numeric(12,4)", True),
        ("numeric(10,2)", "numeric(10,3)", False),
        ("numeric(10,2)", "numeric(10,1)", False),
        ("numeric", "numeric(10,2)", False),
        ("integer[]", "bigint[]", True),
        ("bigint[]", "integer[]", False),
        ("integer", "text", False),
        ("timestamp without time zone", "timestamp with time zone", False),
        ("jsonb", "json", False),
        ("character(3)", "text", False),
    ],
)
def test_safe_widenings(old: str, new: str, safe: bool) -> None:
    assert is_widening(old, new) is safe


def test_a_default_is_dropped_before_the_type_changes_and_set_after() -> None:
    difference = column_change(
        Column("n", "text", default="'0'::text"), Column("n", "integer", default="0")
    )
    assert kinds(difference) == [
        "alter_column_default",
        "alter_column_type",
        "alter_column_default",
    ]
    assert statements(difference) == [
        "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;",
        "ALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer;",
        "ALTER TABLE t ALTER COLUMN n SET DEFAULT 0;",
    ]


def test_defaults() -> None:
    assert statements(
        column_change(Column("n", "integer"), Column("n", "integer", default="1"))
    ) == ["ALTER TABLE t ALTER COLUMN n SET DEFAULT 1;"]
    assert statements(
        column_change(Column("n", "integer", default="1"), Column("n", "integer", default="2"))
    ) == ["ALTER TABLE t ALTER COLUMN n SET DEFAULT 2;"]
    dropped = one(column_change(Column("n", "integer", default="1"), Column("n", "integer")))
    assert (dropped.kind, dropped.statements) == (
        "alter_column_default",
        ("ALTER TABLE t ALTER COLUMN n DROP DEFAULT;",),
    )


def test_nullability() -> None:
    required = one(column_change(Column("n", "text", nullable=True), Column("n", "text")))
    assert required.kind == "alter_column_nullable"
    assert required.statements == ("ALTER TABLE t ALTER COLUMN n SET NOT NULL;",)
    assert required.note == "fails if any row holds NULL" and not required.destructive
    optional = one(column_change(Column("n", "text"), Column("n", "text", nullable=True)))
    assert optional.statements == ("ALTER TABLE t ALTER COLUMN n DROP NOT NULL;",)
    assert optional.note is None


def test_identity_changes() -> None:
    added = column_change(
        Column("n", "bigint", nullable=True, default="0"), Column("n", "bigint", identity="always")
    )
    assert statements(added) == [
        "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;",
        "ALTER TABLE t ALTER COLUMN n SET NOT NULL;",
        "ALTER TABLE t ALTER COLUMN n ADD GENERATED ALWAYS AS IDENTITY;",
    ]
    assert added.changes[-1].note == (
        "its sequence starts at 1, which existing rows may already hold"
    )
    switched = column_change(
        Column("n", "bigint", identity="always"), Column("n", "bigint", identity="by default")
    )
    assert statements(switched) == ["ALTER TABLE t ALTER COLUMN n SET GENERATED BY DEFAULT;"]
    dropped = column_change(
        Column("n", "bigint", identity="always"), Column("n", "bigint", nullable=True, default="7")
    )
    assert statements(dropped) == [
        "ALTER TABLE t ALTER COLUMN n DROP IDENTITY;",
        "ALTER TABLE t ALTER COLUMN n SET DEFAULT 7;",
        "ALTER TABLE t ALTER COLUMN n DROP NOT NULL;",
    ]
    assert {c.kind for c in dropped.changes} == {
        "alter_column_identity",
        "alter_column_default",
        "alter_column_nullable",
    }


def test_docs_become_comments() -> None:
    base = Schema((table("t", Column("n", "text", doc="Old.")),), (EnumType("e", ("a",)),))
    want = Schema(
        (dataclasses.replace(table("t", Column("n", "text")), doc="It's a table."),),
        (EnumType("e", ("a",), doc="An enum."),),
    )
    difference = diff(want, base)
    assert [(c.kind, c.table, c.subject) for c in difference.changes] == [
        ("comment_enum", None, "e"),
        ("comment_table", "t", None),
        ("comment_column", "t", "n"),
    ]
    assert statements(difference) == [
        "COMMENT ON TYPE e IS 'An enum.';",
        "COMMENT ON TABLE t IS 'It''s a table.';",
        "COMMENT ON COLUMN t.n IS NULL;",
    ]


def test_a_new_table_brings_its_indexes_and_comments() -> None:
    new = dataclasses.replace(
        table("t", Column("n", "text", doc="N.")),
        indexes=(Index("t_n_idx", (IndexKey("n"),)),),
        doc="T.",
    )
    difference = diff(Schema((new,)), Schema(), concurrently=True)
    assert kinds(difference) == ["add_table", "add_index", "comment_table", "comment_column"]
    assert difference.changes[1].statements == ("CREATE INDEX t_n_idx ON t USING btree (n);",)
    assert difference.transactional  # a new table's indexes never need CONCURRENTLY


# --- constraints and indexes --------------------------------------------------


def test_changed_constraints_are_dropped_and_added_again() -> None:
    base = Schema(
        (
            table("p"),
            table(
                "t",
                Column("a", "integer"),
                Column("p_id", "bigint"),
                uniques=(Unique("t_a_key", ("a",)),),
                checks=(Check("t_a_check", "(a > 0)"),),
                foreign_keys=(fk("t", "p_id", "p"),),
            ),
        )
    )
    want = Schema(
        (
            table("p"),
            table(
                "t",
                Column("a", "integer"),
                Column("p_id", "bigint"),
                uniques=(Unique("t_a_key", ("a", "id")),),
                checks=(Check("t_a_check", "(a > 1)"),),
                foreign_keys=(fk("t", "p_id", "p", on_delete="cascade"),),
            ),
        )
    )
    difference = diff(want, base)
    assert statements(difference) == [
        "ALTER TABLE t DROP CONSTRAINT t_p_id_fkey;",
        "ALTER TABLE t DROP CONSTRAINT t_a_check;",
        "ALTER TABLE t DROP CONSTRAINT t_a_key;",
        "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a, id);",
        "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK ((a > 1));",
        "ALTER TABLE t ADD CONSTRAINT t_p_id_fkey FOREIGN KEY (p_id) REFERENCES p (id) "
        "ON DELETE CASCADE;",
    ]
    assert kinds(difference) == [
        "drop_foreign_key",
        "drop_check",
        "drop_unique",
        "add_unique",
        "add_check",
        "add_foreign_key",
    ]
    assert difference.changes[0].description == "drop foreign key t_p_id_fkey on t (changed)"
    assert difference.changes[3].note == "fails if existing rows hold duplicates"
    assert difference.changes[4].note == "fails if existing rows violate it"
    assert not difference.destructive


def test_primary_key_added_dropped_and_changed() -> None:
    bare = Table("t", (Column("a", "bigint"), Column("b", "bigint")))
    keyed = dataclasses.replace(bare, primary_key=PrimaryKey("t_pkey", ("a",)))
    wider = dataclasses.replace(bare, primary_key=PrimaryKey("t_pkey", ("a", "b")))
    added = one(diff(Schema((keyed,)), Schema((bare,))))
    assert (added.kind, added.statements) == (
        "add_primary_key",
        ("ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (a);",),
    )
    assert added.note == "fails if existing rows hold duplicates or NULLs"
    dropped = one(diff(Schema((bare,)), Schema((keyed,))))
    assert (dropped.kind, dropped.statements) == (
        "drop_primary_key",
        ("ALTER TABLE t DROP CONSTRAINT t_pkey;",),
    )
    assert statements(diff(Schema((wider,)), Schema((keyed,)))) == [
        "ALTER TABLE t DROP CONSTRAINT t_pkey;",
        "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (a, b);",
    ]


def test_indexes_added_dropped_and_changed() -> None:
    one_index = table("t", Column("a", "text"), indexes=(Index("t_a_idx", (IndexKey("a"),)),))
    changed = table(
        "t",
        Column("a", "text"),
        indexes=(Index("t_a_idx", (IndexKey("a", descending=True),), where="(a <> ''::text)"),),
    )
    bare = table("t", Column("a", "text"))
    assert statements(diff(Schema((one_index,)), Schema((bare,)))) == [
        "CREATE INDEX t_a_idx ON t USING btree (a);"
    ]
    assert statements(diff(Schema((bare,)), Schema((one_index,)))) == ["DROP INDEX t_a_idx;"]
    difference = diff(Schema((changed,)), Schema((one_index,)))
    assert statements(difference) == [
        "DROP INDEX t_a_idx;",
        "CREATE INDEX t_a_idx ON t USING btree (a DESC) WHERE (a <> ''::text);",
    ]
    assert kinds(difference) == ["drop_index", "add_index"]
    unique = table(
        "t", Column("a", "text"), indexes=(Index("t_a_idx", (IndexKey("a"),), unique=True),)
    )
    assert one(diff(Schema((unique,)), Schema((bare,)))).note == (
        "fails if existing rows hold duplicates"
    )


def test_concurrently_applies_to_indexes_of_existing_tables() -> None:
    bare = table("t", Column("a", "text"))
    indexed = table("t", Column("a", "text"), indexes=(Index("t_a_idx", (IndexKey("a"),)),))
    added = one(diff(Schema((indexed,)), Schema((bare,)), concurrently=True))
    assert added.statements == (
        # an INVALID leftover of a failed run goes first, so a rerun works
        "DROP INDEX CONCURRENTLY IF EXISTS t_a_idx;",
        "CREATE INDEX CONCURRENTLY t_a_idx ON t USING btree (a);",
    )
    assert not added.transactional
    dropped = diff(Schema((bare,)), Schema((indexed,)), concurrently=True)
    assert statements(dropped) == ["DROP INDEX CONCURRENTLY t_a_idx;"]
    assert not dropped.transactional
    assert diff(Schema((indexed,)), Schema((bare,))).transactional


# --- enum types -----------------------------------------------------------


def test_enum_types_created_and_dropped() -> None:
    mood = EnumType("mood", ("sad", "it's"))
    created = one(diff(Schema((), (mood,)), Schema()))
    assert (created.kind, created.table, created.subject) == ("create_enum", None, "mood")
    assert created.statements == ("CREATE TYPE mood AS ENUM ('sad', 'it''s');",)
    dropped = one(diff(Schema(), Schema((), (mood,))))
    assert (dropped.kind, dropped.statements) == ("drop_enum", ("DROP TYPE mood;",))
    assert not dropped.destructive  # only an unused type is dropped


def test_added_enum_values_keep_the_desired_order() -> None:
    old = EnumType("e", ("b", "d"))
    new = EnumType("e", ("a", "b", "c", "d", "e", "f"))
    difference = diff(Schema((), (new,)), Schema((), (old,)))
    assert kinds(difference) == ["add_enum_value"] * 4
    assert statements(difference) == [
        "ALTER TYPE e ADD VALUE 'a' BEFORE 'b';",
        "ALTER TYPE e ADD VALUE 'c' AFTER 'b';",
        "ALTER TYPE e ADD VALUE 'e' AFTER 'd';",
        "ALTER TYPE e ADD VALUE 'f' AFTER 'e';",
    ]
    assert difference.transactional and not difference.destructive


def test_a_new_enum_value_used_in_the_same_script_is_committed_first() -> None:
    old_enum, new_enum = EnumType("e", ("a",)), EnumType("e", ("a", "b"))
    base = Schema((table("t", Column("v", "e", default="'a'::e")),), (old_enum,))
    want = Schema((table("t", Column("v", "e", default="'b'::e")),), (new_enum,))
    difference = diff(want, base)
    added, default = difference.changes
    assert added.kind == "add_enum_value" and not added.transactional
    assert added.note is not None and "committed" in added.note
    assert default.statements == ("ALTER TABLE t ALTER COLUMN v SET DEFAULT 'b'::e;",)
    assert not difference.transactional


def test_removing_or_reordering_enum_values_recreates_the_type() -> None:
    base = Schema(
        (
            table(
                "t",
                Column("v", "e", default="'b'::e"),
                Column("vs", "e[]", nullable=True),
                checks=(Check("t_v_check", "(v <> 'c'::e)"),),
                indexes=(Index("t_v_idx", (IndexKey("v"),), where="(v = 'a'::e)"),),
            ),
        ),
        (EnumType("e", ("a", "b", "c")),),
    )
    want = Schema(
        (
            table(
                "t",
                Column("v", "e", default="'a'::e"),
                Column("vs", "e[]", nullable=True),
                checks=(Check("t_v_check", "(v <> 'c'::e)"),),
                indexes=(Index("t_v_idx", (IndexKey("v"),), where="(v = 'a'::e)"),),
            ),
        ),
        (EnumType("e", ("c", "a")),),
    )
    difference = diff(want, base)
    assert kinds(difference) == [
        "drop_index",
        "drop_check",
        "recreate_enum",
        "add_check",
        "add_index",
    ]
    recreate = difference.changes[2]
    assert recreate.statements == (
        "ALTER TYPE e RENAME TO e__old;",
        "CREATE TYPE e AS ENUM ('c', 'a');",
        "ALTER TABLE t ALTER COLUMN v DROP DEFAULT;",
        "ALTER TABLE t ALTER COLUMN v TYPE e USING v::text::e;",
        "ALTER TABLE t ALTER COLUMN v SET DEFAULT 'a'::e;",
        "ALTER TABLE t ALTER COLUMN vs TYPE e[] USING vs::text[]::e[];",
        "DROP TYPE e__old;",
    )
    assert recreate.destructive and recreate.table is None
    assert recreate.description == "recreate enum type e (c, a): drops value(s) b"
    assert difference.changes[0].description == (
        "drop index t_v_idx on t (it uses the recreated type e)"
    )


def test_a_recreated_enum_still_used_by_a_dropped_column_goes_last() -> None:
    base = Schema(
        (table("t", Column("v", "e"), Column("w", "e")),),
        (EnumType("e", ("a", "b")),),
    )
    want = Schema((table("t", Column("v", "e"), Column("w", "text")),), (EnumType("e", ("b",)),))
    difference = diff(want, base)
    assert kinds(difference) == ["recreate_enum", "alter_column_type", "drop_enum"]
    assert "DROP TYPE e__old;" not in difference.changes[0].statements
    assert difference.changes[1].statements == (
        "ALTER TABLE t ALTER COLUMN w TYPE text USING w::text::text;",
    )
    assert difference.changes[2].statements == ("DROP TYPE e__old;",)


# --- order --------------------------------------------------------------------


def test_foreign_key_between_two_new_tables_is_inline_referenced_first() -> None:
    difference = diff(
        Schema(
            (
                table(
                    "posts",
                    Column("author_id", "bigint"),
                    foreign_keys=(fk("posts", "author_id", "authors"),),
                ),
                table("authors"),
            )
        ),
        Schema(),
    )
    assert [(c.kind, c.table) for c in difference.changes] == [
        ("add_table", "authors"),
        ("add_table", "posts"),
    ]
    assert "REFERENCES authors (id)" in difference.changes[1].statements[0]


def test_new_table_referencing_an_existing_one_adds_its_key_last() -> None:
    base = Schema((table("authors", Column("code", "text")),))
    want = Schema(
        (
            table(
                "authors", Column("code", "text"), uniques=(Unique("authors_code_key", ("code",)),)
            ),
            table(
                "posts",
                Column("author_code", "text"),
                foreign_keys=(
                    ForeignKey("posts_author_fkey", ("author_code",), "authors", ("code",)),
                ),
            ),
        )
    )
    difference = diff(want, base)
    assert [(c.kind, c.table) for c in difference.changes] == [
        ("add_table", "posts"),
        ("add_unique", "authors"),
        ("add_foreign_key", "posts"),
    ]
    assert difference.changes[2].note is None  # the new table has no rows


def test_dropping_a_referenced_table_with_its_referrer_drops_the_referrer_first() -> None:
    base = Schema(
        (table("a"), table("b", Column("a_id", "bigint"), foreign_keys=(fk("b", "a_id", "a"),)))
    )
    assert statements(diff(Schema(), base)) == ["DROP TABLE b;", "DROP TABLE a;"]


def test_dropping_a_referenced_table_drops_the_foreign_keys_of_kept_tables_first() -> None:
    base = Schema(
        (table("a"), table("b", Column("a_id", "bigint"), foreign_keys=(fk("b", "a_id", "a"),)))
    )
    want = Schema((table("b", Column("a_id", "bigint")),))
    assert statements(diff(want, base)) == [
        "ALTER TABLE b DROP CONSTRAINT b_a_id_fkey;",
        "DROP TABLE a;",
    ]


def cycle() -> Schema:
    return Schema(
        (
            table("a", Column("b_id", "bigint"), foreign_keys=(fk("a", "b_id", "b"),)),
            table("b", Column("c_id", "bigint"), foreign_keys=(fk("b", "c_id", "c"),)),
            table("c", Column("a_id", "bigint"), foreign_keys=(fk("c", "a_id", "a"),)),
        )
    )


def test_a_cycle_of_new_tables_adds_one_foreign_key_afterwards() -> None:
    difference = diff(cycle(), Schema())
    assert [(c.kind, c.table) for c in difference.changes] == [
        ("add_table", "a"),
        ("add_table", "c"),
        ("add_table", "b"),
        ("add_foreign_key", "a"),
    ]
    assert "FOREIGN KEY" not in difference.changes[0].statements[0]
    assert difference.changes[3].statements == (
        "ALTER TABLE a ADD CONSTRAINT a_b_id_fkey FOREIGN KEY (b_id) REFERENCES b (id);",
    )


def test_a_cycle_of_dropped_tables_is_broken_first() -> None:
    difference = diff(Schema(), cycle())
    assert statements(difference) == [
        "ALTER TABLE a DROP CONSTRAINT a_b_id_fkey;",
        "DROP TABLE b;",
        "DROP TABLE c;",
        "DROP TABLE a;",
    ]
    assert difference.changes[0].description == (
        "drop foreign key a_b_id_fkey on a (it closes a reference cycle)"
    )


def test_an_index_is_dropped_before_the_column_it_uses() -> None:
    base = Schema((table("t", Column("a", "text"), indexes=(Index("t_a_idx", (IndexKey("a"),)),)),))
    difference = diff(Schema((table("t"),)), base)
    assert statements(difference) == ["DROP INDEX t_a_idx;", "ALTER TABLE t DROP COLUMN a;"]


def test_retyping_a_foreign_key_column_drops_and_restores_the_key() -> None:
    def schema(type_: str) -> Schema:
        return Schema(
            (
                Table("p", (Column("id", type_),), PrimaryKey("p_pkey", ("id",))),
                table("c", Column("p_id", type_), foreign_keys=(fk("c", "p_id", "p"),)),
            )
        )

    difference = diff(schema("bigint"), schema("integer"))
    assert statements(difference) == [
        "ALTER TABLE c DROP CONSTRAINT c_p_id_fkey;",
        "ALTER TABLE c ALTER COLUMN p_id TYPE bigint USING p_id::bigint;",
        "ALTER TABLE p ALTER COLUMN id TYPE bigint USING id::bigint;",
        "ALTER TABLE c ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES p (id);",
    ]
    assert difference.changes[0].description == (
        "drop foreign key c_p_id_fkey on c (its column changes type)"
    )


def test_changing_a_referenced_key_drops_the_foreign_keys_on_it_first() -> None:
    def schema(key: tuple[str, ...]) -> Schema:
        parent = Table(
            "p", (Column("id", "bigint"), Column("v", "bigint")), PrimaryKey("p_pkey", key)
        )
        parent = dataclasses.replace(
            parent, uniques=(Unique("p_id_key", ("id",)),) if len(key) > 1 else ()
        )
        return Schema(
            (parent, table("c", Column("p_id", "bigint"), foreign_keys=(fk("c", "p_id", "p"),)))
        )

    assert statements(diff(schema(("id", "v")), schema(("id",)))) == [
        "ALTER TABLE c DROP CONSTRAINT c_p_id_fkey;",
        "ALTER TABLE p DROP CONSTRAINT p_pkey;",
        "ALTER TABLE p ADD CONSTRAINT p_pkey PRIMARY KEY (id, v);",
        "ALTER TABLE p ADD CONSTRAINT p_id_key UNIQUE (id);",
        "ALTER TABLE c ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES p (id);",
    ]


def test_phases_in_order() -> None:
    """One diff with a change of every phase: the script runs top to bottom."""
    base = Schema(
        (
            table("gone"),
            table(
                "t",
                Column("old", "text"),
                Column("n", "integer"),
                uniques=(Unique("t_n_key", ("n",)),),
                indexes=(Index("t_old_idx", (IndexKey("old"),)),),
            ),
        ),
        (EnumType("unused", ("x",)),),
    )
    want = Schema(
        (
            dataclasses.replace(
                table(
                    "t",
                    Column("n", "bigint"),
                    Column("e", "fresh", nullable=True),
                    Column("r_id", "bigint", nullable=True),
                    checks=(Check("t_n_check", "(n > 0)"),),
                    foreign_keys=(fk("t", "r_id", "r"),),
                    indexes=(Index("t_n_idx", (IndexKey("n"),)),),
                ),
                doc="T.",
            ),
            table("r"),
        ),
        (EnumType("fresh", ("y",)),),
    )
    assert kinds(diff(want, base)) == [
        "create_enum",
        "drop_index",
        "drop_unique",
        "drop_table",
        "add_table",
        "add_column",
        "add_column",
        "alter_column_type",
        "drop_column",
        "add_check",
        "add_index",
        "add_foreign_key",
        "drop_enum",
        "comment_table",
    ]


# --- renames --------------------------------------------------------------


def test_renamed_table_keeps_everything_and_renames_its_keys() -> None:
    old = table(
        "people",
        Column("email", "text"),
        uniques=(Unique("people_email_key", ("email",)),),
        indexes=(Index("people_email_idx", (IndexKey("(lower(email))"),)),),
    )
    child = table(
        "pets", Column("owner_id", "bigint"), foreign_keys=(fk("pets", "owner_id", "people"),)
    )
    new = table(
        "users",
        Column("email", "text"),
        uniques=(Unique("users_email_key", ("email",)),),
        indexes=(Index("users_email_idx", (IndexKey("(lower(email))"),)),),
    )
    new_child = dataclasses.replace(
        child, foreign_keys=(ForeignKey("pets_owner_id_fkey", ("owner_id",), "users", ("id",)),)
    )
    difference = diff(Schema((new, new_child)), Schema((old, child)), renames={"people": "users"})
    assert statements(difference) == [
        "ALTER TABLE people RENAME TO users;",
        "ALTER TABLE users RENAME CONSTRAINT people_pkey TO users_pkey;",
        "ALTER TABLE users RENAME CONSTRAINT people_email_key TO users_email_key;",
        "ALTER INDEX people_email_idx RENAME TO users_email_idx;",
    ]
    assert kinds(difference) == [
        "rename_table",
        "rename_constraint",
        "rename_constraint",
        "rename_index",
    ]
    assert difference.changes[0].description == "rename table people to users"
    assert not difference.destructive
    without = diff(Schema((new, new_child)), Schema((old, child)))
    assert "drop_table" in kinds(without)
    assert without.rename_suggestions == ("people=users",)


def test_renamed_column_follows_into_keys_checks_and_indexes() -> None:
    def schema(name: str, quoted: str) -> Schema:
        return Schema(
            (
                table(
                    "t",
                    Column(name, "integer"),
                    uniques=(Unique("t_n_key", (name,)),),
                    checks=(Check("t_n_check", f"(({quoted} > 0) AND ('n'::text <> ''::text))"),),
                    indexes=(
                        Index("t_n_idx", (IndexKey(name),), where=f"({quoted} > 1)"),
                        Index("t_n_expr_idx", (IndexKey(f"(abs({quoted}))"),)),
                    ),
                ),
                table(
                    "u",
                    Column("t_n", "integer"),
                    foreign_keys=(ForeignKey("u_t_n_fkey", ("t_n",), "t", (name,)),),
                ),
            )
        )

    difference = diff(schema("Size", '"Size"'), schema("n", "n"), renames={"t.n": "Size"})
    assert statements(difference) == ['ALTER TABLE t RENAME COLUMN n TO "Size";']
    assert one(difference).description == "rename column t.n to Size"
    assert (one(difference).table, one(difference).subject) == ("t", "Size")


def test_a_rename_leaves_literals_functions_and_types_alone() -> None:
    def schema(name: str, expression: str) -> Schema:
        return Schema((table("t", Column(name, "text"), checks=(Check("t_check", expression),)),))

    difference = diff(
        schema("name", "((lower(name) <> ''::text) AND (name <> 'lower'::text))"),
        schema("lower", "((lower(lower) <> ''::text) AND (lower <> 'lower'::text))"),
        renames={"t.lower": "name"},
    )
    assert kinds(difference) == ["rename_column"]


def test_renamed_table_and_column_together() -> None:
    old = table("people", Column("name", "text"))
    new = table("users", Column("full_name", "text"))
    difference = diff(
        Schema((new,)),
        Schema((old,)),
        renames={"people": "users", "users.name": "full_name"},
    )
    assert statements(difference) == [
        "ALTER TABLE people RENAME TO users;",
        "ALTER TABLE users RENAME COLUMN name TO full_name;",
        "ALTER TABLE users RENAME CONSTRAINT people_pkey TO users_pkey;",
    ]


def test_renamed_column_with_a_new_type() -> None:
    difference = diff(
        Schema((table("t", Column("b", "bigint")),)),
        Schema((table("t", Column("a", "integer")),)),
        renames={"t.a": "b"},
    )
    assert statements(difference) == [
        "ALTER TABLE t RENAME COLUMN a TO b;",
        "ALTER TABLE t ALTER COLUMN b TYPE bigint USING b::bigint;",
    ]


@pytest.mark.parametrize(
    ("renames", "message"),
    [
        ({"nope": "t"}, "cannot rename nope=t: the database has no table nope"),
        ({"s": "nope"}, "cannot rename s=nope: the definitions have no table nope"),
        ({"s": "t"}, "cannot rename s=t: the database already has a table t"),
        ({"s": "x", "t": "x"}, "cannot rename t=x: another table is renamed to x too"),
        ({"t.nope": "b"}, "cannot rename t.nope=b: the database has no column t.nope"),
        ({"t.a": "nope"}, "cannot rename t.a=nope: the definitions have no column t.nope"),
        ({"t.a": "b"}, "cannot rename t.a=b: the database already has a column t.b"),
        ({"x.a": "b"}, "cannot rename x.a=b: the database has no table x"),
        ({"y.a": "b"}, "cannot rename y.a=b: the definitions have no table y"),
    ],
)
def test_unknown_renames_are_errors(renames: dict[str, str], message: str) -> None:
    have = Schema((table("s"), table("t", Column("a", "text"), Column("b", "text"))))
    want = Schema((table("s"), table("t", Column("b", "text")), table("x")))
    with pytest.raises(DiffError) as raised:
        diff(want, have, renames=renames)
    assert str(raised.value) == message


def test_rename_suggestions_for_columns_of_the_same_type() -> None:
    difference = diff(
        Schema((table("users", Column("full_name", "text"), Column("age", "integer")),)),
        Schema((table("users", Column("name", "text"), Column("born", "date")),)),
    )
    assert difference.rename_suggestions == ("users.name=full_name",)


# --- the protocol form and display ------------------------------------------


def test_json_round_trip() -> None:
    user = dataclasses.replace(
        USER, columns=(*USER.columns, Column("karma", "integer", default="0"))
    )
    changed = Schema((user, TEAMS, PROJECTS), RICH.enums)  # tags dropped
    difference = diff(changed, RICH, concurrently=True)
    assert not difference.empty
    plain = json.loads(json.dumps(difference.to_dict()))
    assert SchemaDiff.from_dict(plain) == difference
    assert plain["changes"][0] == {
        "kind": "drop_table",
        "table": "tags",
        "subject": None,
        "description": "drop table tags",
        "statements": ["DROP TABLE tags;"],
        "destructive": True,
        "note": "deletes the table and all its rows",
        "transactional": True,
    }
    suggested = SchemaDiff(rename_suggestions=("a=b",))
    assert SchemaDiff.from_dict(json.loads(json.dumps(suggested.to_dict()))) == suggested


def test_by_table_groups_enums_first_then_tables_by_name() -> None:
    base = Schema((table("b"), table("a")))
    want = Schema(
        (
            table("b", Column("x", "text", nullable=True)),
            table("a", Column("y", "text", nullable=True)),
        ),
        (EnumType("e", ("v",)),),
    )
    groups = diff(want, base).by_table()
    assert list(groups) == [None, "a", "b"]
    assert [c.kind for c in groups[None]] == ["create_enum"]
    assert [c.subject for c in groups["a"]] == ["y"]


def test_the_script_says_what_each_change_does() -> None:
    difference = diff(Schema((table("t"),)), Schema())
    assert difference.sql() == (
        "-- add table t\n"
        "CREATE TABLE t (\n"
        "    id bigint NOT NULL,\n"
        "    CONSTRAINT t_pkey PRIMARY KEY (id)\n"
        ");\n"
    )


# --- on PostgreSQL ------------------------------------------------------------

MOOD2 = EnumType("mood", ("happy", "ok"))
STATUS2 = EnumType("status", ("draft", "published", "archived", "it's"), doc="Where a post is.")
USER2 = dataclasses.replace(
    USER,
    columns=(
        Column("id", "bigint", identity="always"),
        Column("email", "character varying(200)"),
        Column("display_name", "character varying(120)", nullable=True, doc="Shown to all."),
        Column("status", "status", default="'draft'::status"),
        Column("mood", "mood", nullable=True, default="'happy'::mood"),
        Column("created_at", "timestamp with time zone", default="now()"),
        Column("karma", "integer", default="0"),
    ),
    checks=(Check("user_email_check", "(length((email)::text) > 3)"),),
    indexes=(
        USER.indexes[1],
        Index("user_display_name_idx", (IndexKey("display_name"),)),
    ),
    doc="Accounts.",
)
GROUPS = dataclasses.replace(
    TEAMS,
    name="groups",
    columns=(Column("id", "bigint", identity="by default"), *TEAMS.columns[1:]),
    primary_key=PrimaryKey("groups_pkey", ("id",)),
    foreign_keys=(
        ForeignKey("groups_owner_id_fkey", ("owner_id",), "user", ("id",), on_delete="set null"),
        ForeignKey("groups_lead_project_id_fkey", ("lead_project_id",), "projects", ("id",)),
    ),
)
PROJECTS2 = dataclasses.replace(
    PROJECTS,
    columns=(
        Column("id", "bigint"),
        Column("team_id", "bigint"),
        Column("parent_id", "bigint", nullable=True),
    ),
    foreign_keys=(
        ForeignKey("projects_team_id_fkey", ("team_id",), "groups", ("id",), "cascade", "cascade"),
        PROJECTS.foreign_keys[1],
    ),
    checks=(),
)
COMMENTS = Table(
    "comments",
    (
        Column("id", "bigint", identity="always"),
        Column("author_id", "bigint"),
        Column("project_id", "bigint"),
        Column("body", "text", doc="Markdown."),
    ),
    PrimaryKey("comments_pkey", ("id",)),
    foreign_keys=(
        ForeignKey("comments_author_id_fkey", ("author_id",), "user", ("id",), "cascade"),
        ForeignKey("comments_project_id_fkey", ("project_id",), "projects", ("id",)),
    ),
    indexes=(Index("comments_project_id_idx", (IndexKey("project_id"),)),),
)
CHANGED = Schema((USER2, GROUPS, PROJECTS2, COMMENTS), (STATUS2, MOOD2))
RENAMES = {"teams": "groups", "user.Display Name": "display_name"}


def apply(conn: Any, difference: SchemaDiff) -> None:
    """As the runner does: one transaction, or each statement on its own."""
    if difference.transactional:
        with conn.transaction():
            conn.execute(difference.sql().encode())
    else:
        for statement in statements(difference):
            conn.execute(statement.encode())


def test_a_multi_step_change_on_postgresql_matches_creating_it_afresh(database_url: str) -> None:
    """Renames, retyped keys, a recreated enum, a cycle, dropped and new
    tables, with rows in them: applying the diff to the old schema gives
    what creating the new one from nothing gives, and keeps the data."""
    psycopg = pytest.importorskip("psycopg")
    difference = diff(CHANGED, RICH, renames=RENAMES)
    assert difference.transactional and difference.destructive
    with psycopg.connect(database_url, autocommit=True) as conn:
        scratch(conn, "fresh")
        conn.execute(ddl.create_sql(CHANGED).encode())
        scratch(conn, "migrated")
        conn.execute(ddl.create_sql(RICH).encode())
        conn.execute(
            """INSERT INTO "user" (email, "Display Name", status, mood)
               VALUES ('a@x.org', 'Ann', 'published', 'ok'), ('b@x.org', NULL, 'draft', NULL);
               INSERT INTO teams (id, name, owner_id) VALUES (7, 'core', 1);
               INSERT INTO projects (id, team_id) VALUES (1, 7);
               INSERT INTO tags (id, project_id) VALUES (1, 1);"""
        )
        apply(conn, difference)
        assert catalog(conn, "fresh") == catalog(conn, "migrated")
        rows = conn.execute(
            'SELECT email, display_name, status::text, mood::text, karma FROM "user" ORDER BY id'
        ).fetchall()
        assert rows == [
            ("a@x.org", "Ann", "published", "ok", 0),
            ("b@x.org", None, "draft", None, 0),
        ]
        assert conn.execute("SELECT team_id FROM projects").fetchall() == [(7,)]
        assert conn.execute("SELECT name FROM groups").fetchall() == [("core",)]


def test_concurrently_and_a_used_new_enum_value_run_outside_a_transaction(
    database_url: str,
) -> None:
    psycopg = pytest.importorskip("psycopg")
    base = Schema(
        (
            table(
                "t",
                Column("a", "text"),
                Column("v", "e"),
                indexes=(Index("t_a_idx", (IndexKey("a"),)),),
            ),
        ),
        (EnumType("e", ("x",)),),
    )
    want = Schema(
        (
            table(
                "t",
                Column("a", "text"),
                Column("v", "e", default="'y'::e"),
                indexes=(Index("t_a_idx", (IndexKey("a", descending=True),)),),
            ),
        ),
        (EnumType("e", ("x", "y")),),
    )
    difference = diff(want, base, concurrently=True)
    assert [c.transactional for c in difference.changes] == [False, False, True, False]
    with psycopg.connect(database_url, autocommit=True) as conn:
        scratch(conn, "fresh")
        conn.execute(ddl.create_sql(want).encode())
        scratch(conn, "migrated")
        conn.execute(ddl.create_sql(base).encode())
        apply(conn, difference)
        assert catalog(conn, "migrated") == catalog(conn, "fresh")
