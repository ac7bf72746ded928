"""The schema model: its JSON form (what crosses the protocol), sources put
back after normalisation, and comparison blind to order."""

from __future__ import annotations

import dataclasses
import json

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

USERS = Table(
    "users",
    (
        Column("id", "bigint", identity="always", source="tables.py:5"),
        Column("email", "text", doc="Where we write.", source="tables.py:6"),
        Column("mood", "mood", nullable=True, default="'ok'::mood", source="tables.py:7"),
    ),
    PrimaryKey("users_pkey", ("id",)),
    (Unique("users_email_key", ("email",)),),
    (),
    (Check("users_email_check", "(email ~~ '%@%'::text)"),),
    (Index("users_lower_idx", (IndexKey("(lower(email))", True),), unique=True, where="id > 0"),),
    doc="People.",
    source="tables.py:3",
)
POSTS = Table(
    "posts",
    (Column("id", "bigint"), Column("author_id", "bigint")),
    PrimaryKey("posts_pkey", ("id",)),
    foreign_keys=(
        ForeignKey("posts_author_id_fkey", ("author_id",), "users", ("id",), "cascade"),
        ForeignKey("posts_self_fkey", ("id",), "posts", ("id",)),
    ),
)
SCHEMA = Schema((USERS, POSTS), (EnumType("mood", ("sad", "ok"), "How.", "tables.py:1"),))


def test_json_form_round_trips_every_field() -> None:
    plain = json.loads(json.dumps(SCHEMA.to_dict()))
    back = Schema.from_dict(plain)
    assert back == SCHEMA
    # sources do not take part in ==, so check they crossed too
    assert back.tables[0].source == "tables.py:3"
    assert back.tables[0].columns[1].source == "tables.py:6"
    assert back.enums[0].source == "tables.py:1"


def test_with_sources_puts_back_what_normalisation_lost() -> None:
    read_back = Schema(
        (
            *(
                dataclasses.replace(
                    t,
                    source=None,
                    columns=tuple(dataclasses.replace(c, source=None) for c in t.columns),
                )
                for t in SCHEMA.tables
            ),
            Table("extra", (Column("id", "integer"),)),
        ),
        tuple(dataclasses.replace(e, source=None) for e in SCHEMA.enums),
    )
    sourced = read_back.with_sources(SCHEMA)
    users = sourced.table("users")
    assert users is not None and users.source == "tables.py:3"
    assert [c.source for c in users.columns] == ["tables.py:5", "tables.py:6", "tables.py:7"]
    assert sourced.enums[0].source == "tables.py:1"
    extra = sourced.table("extra")
    assert extra is not None and extra.source is None  # not defined: nothing to put back


def test_same_as_ignores_order_but_not_content() -> None:
    shuffled = dataclasses.replace(
        POSTS,
        columns=tuple(reversed(POSTS.columns)),
        foreign_keys=tuple(reversed(POSTS.foreign_keys)),
    )
    assert shuffled != POSTS and shuffled.same_as(POSTS)
    nullable = dataclasses.replace(
        POSTS, columns=(Column("id", "bigint"), Column("author_id", "bigint", nullable=True))
    )
    assert not nullable.same_as(POSTS)


def test_references_leave_out_the_table_itself() -> None:
    assert POSTS.references() == {"users"}
    assert USERS.references() == set()
