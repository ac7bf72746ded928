"""SQL text builders: exact statements by hand, and the whole-schema script
run on a real PostgreSQL to prove it is valid."""

from __future__ import annotations

from typing import Any

import pytest

from dibs.schema import ddl
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

# --- a schema with every feature, and what PostgreSQL makes of one -----------
# (test_diff.py uses these too)

STATUS = EnumType("status", ("draft", "published", "it's"), doc="Where a post is.")
MOOD = EnumType("mood", ("sad", "ok", "happy"))
USER = Table(
    "user",
    (
        Column("id", "bigint", identity="always"),
        Column("email", "text"),
        Column("Display Name", "character varying(80)", nullable=True, doc="Shown to others."),
        Column("status", "status", default="'draft'::status"),
        Column("mood", "mood", nullable=True, default="'ok'::mood"),
        Column("created_at", "timestamp with time zone", default="now()"),
    ),
    PrimaryKey("user_pkey", ("id",)),
    uniques=(Unique("user_email_key", ("email",)),),
    checks=(Check("user_email_check", "(position('@' in email) > 0)"),),
    indexes=(
        Index("user_lower_email_idx", (IndexKey("(lower(email))"),), unique=True),
        Index(
            "user_status_idx",
            (IndexKey("status"), IndexKey("created_at", descending=True)),
            where="(status <> 'draft'::status)",
        ),
    ),
    doc="People's accounts.",
)
TEAMS = Table(
    "teams",
    (
        Column("id", "integer", identity="by default"),
        Column("name", "text"),
        Column("owner_id", "bigint", nullable=True),
        Column("lead_project_id", "bigint", nullable=True),
    ),
    PrimaryKey("teams_pkey", ("id",)),
    foreign_keys=(
        ForeignKey("teams_owner_id_fkey", ("owner_id",), "user", ("id",), on_delete="set null"),
        ForeignKey("teams_lead_project_id_fkey", ("lead_project_id",), "projects", ("id",)),
    ),
)
PROJECTS = Table(
    "projects",
    (
        Column("id", "bigint"),
        Column("team_id", "integer"),
        Column("parent_id", "bigint", nullable=True),
        Column("budget", "numeric(10,2)", default="0"),
    ),
    PrimaryKey("projects_pkey", ("id",)),
    foreign_keys=(
        ForeignKey("projects_team_id_fkey", ("team_id",), "teams", ("id",), "cascade", "cascade"),
        ForeignKey("projects_parent_id_fkey", ("parent_id",), "projects", ("id",)),
    ),
    checks=(Check("projects_budget_check", "(budget >= (0)::numeric)"),),
)
TAGS = Table(
    "tags",
    (
        Column("id", "bigint"),
        Column("project_id", "bigint"),
        Column("labels", "text[]", default="'{}'::text[]"),
    ),
    PrimaryKey("tags_pkey", ("id", "project_id")),
    foreign_keys=(ForeignKey("tags_project_id_fkey", ("project_id",), "projects", ("id",)),),
    indexes=(Index("tags_labels_idx", (IndexKey("labels"),), method="gin"),),
)
RICH = Schema((USER, TEAMS, PROJECTS, TAGS), (STATUS, MOOD))


def scratch_schema(conn: Any, name: str) -> None:
    """A fresh schema first on the search path, where unqualified DDL lands."""
    conn.execute(f"CREATE SCHEMA {name}".encode())
    conn.execute(f"SET search_path TO {name}".encode())


def catalog(conn: Any, schema: str) -> dict[str, Any]:
    """What PostgreSQL holds in ``schema``, as PostgreSQL prints it, free of
    order (columns, constraints and indexes by name) and of the schema's own
    name, so that two schemas built differently compare with ``==``."""
    conn.execute(f"SET search_path TO {schema}".encode())
    tables: dict[str, Any] = {}
    for name, doc in conn.execute(
        "SELECT c.relname::text, obj_description(c.oid, 'pg_class') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
        (schema,),
    ):
        tables[name] = {"columns": {}, "constraints": {}, "indexes": {}, "comments": {}}
        if doc is not None:
            tables[name]["comments"][None] = doc
    for table, column, type_, nullable, default, identity, doc in conn.execute(
        "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), "
        "NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, "
        "col_description(c.oid, a.attnum) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
        (schema,),
    ):
        tables[table]["columns"][column] = (type_, nullable, default, identity)
        if doc is not None:
            tables[table]["comments"][column] = doc
    for table, name, definition in conn.execute(
        "SELECT c.relname::text, con.conname::text, pg_get_constraintdef(con.oid) "
        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'f', 'c')",
        (schema,),
    ):
        tables[table]["constraints"][name] = definition
    for table, name, definition in conn.execute(
        "SELECT c.relname::text, ic.relname::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)",
        (schema,),
    ):
        tables[table]["indexes"][name] = definition.replace(f" {schema}.", " ")
    enums: dict[str, list[str]] = {}
    comments: dict[str, str] = {}
    for name, values, doc in conn.execute(
        "SELECT t.typname::text, ARRAY(SELECT e.enumlabel::text FROM pg_enum e "
        "WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), obj_description(t.oid, 'pg_type') "
        "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = %s AND t.typtype = 'e'",
        (schema,),
    ):
        enums[name] = values
        if doc is not None:
            comments[name] = doc
    return {"tables": tables, "enums": enums, "comments": comments}


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        ("users", "users"),
        ("created_at", "created_at"),
        ("_x$1", "_x$1"),
        ("user", '"user"'),
        ("order", '"order"'),
        ("Users", '"Users"'),
        ("Display Name", '"Display Name"'),
        ("1st", '"1st"'),
        ('say "hi"', '"say ""hi"""'),
        ("café", '"café"'),
        ("position", "position"),  # a keyword, but one that may name a column
    ],
)
def test_identifiers_are_quoted_only_when_needed(name: str, sql: str) -> None:
    assert ddl.quote_ident(name) == sql


def test_literals_double_their_quotes() -> None:
    assert ddl.quote_literal("it's") == "'it''s'"
    assert ddl.quote_literal("") == "''"


@pytest.mark.parametrize(
    ("column", "sql"),
    [
        (
            Column("id", "bigint", identity="always"),
            "id bigint GENERATED ALWAYS AS IDENTITY NOT NULL",
        ),
        (
            Column("id", "integer", identity="by default"),
            "id integer GENERATED BY DEFAULT AS IDENTITY NOT NULL",
        ),
        (Column("note", "text", nullable=True), "note text"),
        (
            Column("at", "timestamp with time zone", default="now()"),
            "at timestamp with time zone NOT NULL DEFAULT now()",
        ),
        (
            Column("user", "text", nullable=True, default="''::text"),
            "\"user\" text DEFAULT ''::text",
        ),
    ],
)
def test_column_definition(column: Column, sql: str) -> None:
    assert ddl.column_definition(column) == sql


def test_constraint_definitions() -> None:
    assert (
        ddl.constraint_definition(PrimaryKey("t_pkey", ("a", "order")))
        == 'CONSTRAINT t_pkey PRIMARY KEY (a, "order")'
    )
    assert ddl.constraint_definition(Unique("t_a_key", ("a",))) == "CONSTRAINT t_a_key UNIQUE (a)"
    assert (
        ddl.constraint_definition(Check("t_a_check", "(a > 0)"))
        == "CONSTRAINT t_a_check CHECK ((a > 0))"
    )
    assert (
        ddl.constraint_definition(ForeignKey("t_u_fkey", ("u",), "user", ("id",)))
        == 'CONSTRAINT t_u_fkey FOREIGN KEY (u) REFERENCES "user" (id)'
    )
    assert ddl.constraint_definition(
        ForeignKey("t_u_fkey", ("a", "b"), "other.Things", ("x", "y"), "cascade", "set null")
    ) == (
        'CONSTRAINT t_u_fkey FOREIGN KEY (a, b) REFERENCES other."Things" (x, y) '
        "ON DELETE CASCADE ON UPDATE SET NULL"
    )
    assert ddl.constraint_definition(
        ForeignKey("f", ("a",), "t", ("id",), on_update="restrict")
    ).endswith("REFERENCES t (id) ON UPDATE RESTRICT")


def test_indexes() -> None:
    plain = Index("t_a_idx", (IndexKey("a"),))
    assert ddl.create_index("t", plain) == "CREATE INDEX t_a_idx ON t USING btree (a);"
    assert (
        ddl.create_index("t", plain, concurrently=True)
        == "CREATE INDEX CONCURRENTLY t_a_idx ON t USING btree (a);"
    )
    rich = Index(
        "Odd",
        (IndexKey("(lower(email))"), IndexKey("user", descending=True), IndexKey('"Name"')),
        unique=True,
        where="(deleted_at IS NULL)",
    )
    assert ddl.create_index("user", rich) == (
        'CREATE UNIQUE INDEX "Odd" ON "user" USING btree ((lower(email)), "user" DESC, "Name") '
        "WHERE (deleted_at IS NULL);"
    )
    gin = Index("t_tags_idx", (IndexKey("tags"),), method="gin")
    assert ddl.create_index("t", gin) == "CREATE INDEX t_tags_idx ON t USING gin (tags);"
    assert ddl.drop_index("Odd") == 'DROP INDEX "Odd";'
    assert ddl.drop_index("t_a_idx", concurrently=True) == "DROP INDEX CONCURRENTLY t_a_idx;"
    assert ddl.rename_index("a_idx", "b_idx") == "ALTER INDEX a_idx RENAME TO b_idx;"


def test_table_and_column_statements() -> None:
    assert ddl.drop_table("user") == 'DROP TABLE "user";'
    assert ddl.rename_table("a", "B") == 'ALTER TABLE a RENAME TO "B";'
    assert ddl.add_column("t", Column("n", "integer", default="0")) == (
        "ALTER TABLE t ADD COLUMN n integer NOT NULL DEFAULT 0;"
    )
    assert ddl.drop_column("t", "n") == "ALTER TABLE t DROP COLUMN n;"
    assert ddl.rename_column("t", "Old", "new") == 'ALTER TABLE t RENAME COLUMN "Old" TO new;'
    assert ddl.alter_column_type("t", "n", "bigint") == (
        "ALTER TABLE t ALTER COLUMN n TYPE bigint USING n::bigint;"
    )
    assert ddl.alter_column_type("t", "n", "mood", using="n::text::mood") == (
        "ALTER TABLE t ALTER COLUMN n TYPE mood USING n::text::mood;"
    )
    assert ddl.set_default("t", "n", "0") == "ALTER TABLE t ALTER COLUMN n SET DEFAULT 0;"
    assert ddl.drop_default("t", "n") == "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;"
    assert ddl.set_not_null("t", "n") == "ALTER TABLE t ALTER COLUMN n SET NOT NULL;"
    assert ddl.drop_not_null("t", "n") == "ALTER TABLE t ALTER COLUMN n DROP NOT NULL;"
    assert ddl.add_identity("t", "n", "by default") == (
        "ALTER TABLE t ALTER COLUMN n ADD GENERATED BY DEFAULT AS IDENTITY;"
    )
    assert ddl.set_identity("t", "n", "always") == (
        "ALTER TABLE t ALTER COLUMN n SET GENERATED ALWAYS;"
    )
    assert ddl.drop_identity("t", "n") == "ALTER TABLE t ALTER COLUMN n DROP IDENTITY;"
    assert ddl.add_constraint("t", Unique("t_n_key", ("n",))) == (
        "ALTER TABLE t ADD CONSTRAINT t_n_key UNIQUE (n);"
    )
    assert ddl.drop_constraint("t", "t_n_key") == "ALTER TABLE t DROP CONSTRAINT t_n_key;"
    assert ddl.rename_constraint("t", "a", "b") == "ALTER TABLE t RENAME CONSTRAINT a TO b;"


def test_comments() -> None:
    assert ddl.comment_on_table("user", "It's ours.") == (
        "COMMENT ON TABLE \"user\" IS 'It''s ours.';"
    )
    assert ddl.comment_on_column("t", "Name", None) == 'COMMENT ON COLUMN t."Name" IS NULL;'
    assert ddl.comment_on_type("mood", "How.") == "COMMENT ON TYPE mood IS 'How.';"


def test_enum_statements() -> None:
    mood = EnumType("mood", ("sad", "it's"))
    assert ddl.create_enum(mood) == "CREATE TYPE mood AS ENUM ('sad', 'it''s');"
    assert ddl.drop_enum("Mood") == 'DROP TYPE "Mood";'
    assert ddl.rename_enum("mood", "mood__old") == "ALTER TYPE mood RENAME TO mood__old;"
    assert ddl.add_enum_value("mood", "ok") == "ALTER TYPE mood ADD VALUE 'ok';"
    assert ddl.add_enum_value("mood", "ok", after="sad") == (
        "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';"
    )
    assert ddl.add_enum_value("mood", "meh", before="sad") == (
        "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';"
    )


def test_recreate_enum_converts_through_text_around_the_defaults() -> None:
    mood = EnumType("mood", ("ok", "happy"))
    columns = [
        (
            "posts",
            Column("mood", "mood", default="'sad'::mood"),
            Column("mood", "mood", default="'ok'::mood"),
        ),
        (
            "posts",
            Column("moods", "mood[]", nullable=True),
            Column("moods", "mood[]", nullable=True),
        ),
    ]
    assert ddl.recreate_enum(mood, "mood__old", columns) == (
        "ALTER TYPE mood RENAME TO mood__old;",
        "CREATE TYPE mood AS ENUM ('ok', 'happy');",
        "ALTER TABLE posts ALTER COLUMN mood DROP DEFAULT;",
        "ALTER TABLE posts ALTER COLUMN mood TYPE mood USING mood::text::mood;",
        "ALTER TABLE posts ALTER COLUMN mood SET DEFAULT 'ok'::mood;",
        "ALTER TABLE posts ALTER COLUMN moods TYPE mood[] USING moods::text[]::mood[];",
    )


def _table(name: str, *refs: str) -> Table:
    return Table(
        name,
        (Column("id", "bigint"), *(Column(f"{r}_id", "bigint", nullable=True) for r in refs)),
        PrimaryKey(f"{name}_pkey", ("id",)),
        foreign_keys=tuple(ForeignKey(f"{name}_{r}_fkey", (f"{r}_id",), r, ("id",)) for r in refs),
    )


def _names(tables: list[Table]) -> list[str]:
    return [t.name for t in tables]


def test_creation_order_puts_referenced_tables_first_ties_by_name() -> None:
    tables = [_table("c", "b"), _table("b", "a"), _table("a"), _table("z"), _table("self", "self")]
    assert _names(ddl.creation_order(tables)) == ["a", "self", "z", "b", "c"]


def test_creation_order_breaks_a_cycle_only_where_needed() -> None:
    # x waits on the cycle p <-> q but is not in it: the cycle is broken, not x.
    tables = [_table("x", "p"), _table("p", "q"), _table("q", "p"), _table("a", "x")]
    order = ddl.creation_order(tables)
    assert _names(order) == ["p", "q", "x", "a"]
    inline, deferred = ddl.partition_foreign_keys(order[0], set())
    assert (inline, [fk.name for fk in deferred]) == ((), ["p_q_fkey"])
    inline, deferred = ddl.partition_foreign_keys(order[1], {"p"})
    assert ([fk.name for fk in inline], deferred) == (["q_p_fkey"], ())


def test_a_three_table_cycle_defers_one_foreign_key() -> None:
    tables = [_table("a", "b"), _table("b", "c"), _table("c", "a")]
    sql = ddl.create_sql(Schema(tuple(tables)))
    assert sql.count("ALTER TABLE") == 1
    assert "ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b (id);" in sql


def test_create_sql_of_a_small_schema() -> None:
    schema = Schema(
        (
            Table(
                "posts",
                (
                    Column("id", "bigint", identity="always"),
                    Column("author_id", "bigint"),
                    Column("state", "state", default="'draft'::state", doc="Where it is."),
                ),
                PrimaryKey("posts_pkey", ("id",)),
                foreign_keys=(
                    ForeignKey(
                        "posts_author_id_fkey", ("author_id",), "authors", ("id",), "cascade"
                    ),
                ),
                indexes=(Index("posts_author_id_idx", (IndexKey("author_id"),)),),
                doc="What authors write.",
            ),
            Table("authors", (Column("id", "bigint"),), PrimaryKey("authors_pkey", ("id",))),
        ),
        (EnumType("state", ("draft", "done"), doc="A post's state."),),
    )
    assert ddl.create_sql(schema) == (
        "CREATE TYPE state AS ENUM ('draft', 'done');\n"
        "\n"
        "CREATE TABLE authors (\n"
        "    id bigint NOT NULL,\n"
        "    CONSTRAINT authors_pkey PRIMARY KEY (id)\n"
        ");\n"
        "\n"
        "CREATE TABLE posts (\n"
        "    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
        "    author_id bigint NOT NULL,\n"
        "    state state NOT NULL DEFAULT 'draft'::state,\n"
        "    CONSTRAINT posts_pkey PRIMARY KEY (id),\n"
        "    CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id)"
        " ON DELETE CASCADE\n"
        ");\n"
        "\n"
        "CREATE INDEX posts_author_id_idx ON posts USING btree (author_id);\n"
        "\n"
        "COMMENT ON TYPE state IS 'A post''s state.';\n"
        "\n"
        "COMMENT ON TABLE posts IS 'What authors write.';\n"
        "\n"
        "COMMENT ON COLUMN posts.state IS 'Where it is.';\n"
    )


def test_create_sql_of_nothing_is_empty_and_of_a_bare_table_is_valid() -> None:
    assert ddl.create_sql(Schema()) == ""
    assert ddl.create_sql(Schema((Table("t", ()),))) == "CREATE TABLE t ();\n"


def test_create_sql_runs_on_postgresql(database_url: str) -> None:
    """Every feature of the model at once: reserved and mixed-case names,
    identities, enums with quotes, composite and self references, a cycle,
    expression, partial, descending and gin indexes, comments."""
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(database_url, autocommit=True) as conn:
        scratch_schema(conn, "built")
        with conn.transaction():
            conn.execute(ddl.create_sql(RICH).encode())
        got = catalog(conn, "built")
    assert got["enums"] == {
        "mood": ["sad", "ok", "happy"],
        "status": ["draft", "published", "it's"],
    }
    assert set(got["tables"]) == {"user", "teams", "projects", "tags"}
    user: dict[str, Any] = got["tables"]["user"]
    assert user["columns"]["Display Name"] == ("character varying(80)", True, None, "")
    assert user["columns"]["id"] == ("bigint", False, None, "a")
    assert user["columns"]["status"] == ("status", False, "'draft'::status", "")
    assert user["constraints"] == {
        "user_pkey": "PRIMARY KEY (id)",
        "user_email_key": "UNIQUE (email)",
        "user_email_check": "CHECK ((POSITION(('@'::text) IN (email)) > 0))",
    }
    assert user["indexes"] == {
        "user_lower_email_idx": 'CREATE UNIQUE INDEX user_lower_email_idx ON "user" '
        "USING btree (lower(email))",
        "user_status_idx": 'CREATE INDEX user_status_idx ON "user" USING btree '
        "(status, created_at DESC) WHERE (status <> 'draft'::status)",
    }
    assert user["comments"] == {None: "People's accounts.", "Display Name": "Shown to others."}
    assert got["tables"]["teams"]["constraints"]["teams_lead_project_id_fkey"] == (
        "FOREIGN KEY (lead_project_id) REFERENCES projects(id)"
    )
    assert got["tables"]["projects"]["constraints"]["projects_team_id_fkey"] == (
        "FOREIGN KEY (team_id) REFERENCES teams(id) ON UPDATE CASCADE ON DELETE CASCADE"
    )
    assert got["tables"]["tags"]["indexes"]["tags_labels_idx"].endswith("USING gin (labels)")
    assert got["comments"] == {"status": "Where a post is."}
