"""The app's tables as dibs sees them (`dibs schema`, `dibs schema --sql`).

They describe the schema the migrations in ``migrations/`` build; the next
dibs release diffs them against the live database to write those migrations.
"""

from dataclasses import dataclass
from datetime import datetime

from dibs.tables import column, sql, table


@table("users")
@dataclass
class User:
    """The people who write posts and comments."""

    id: int = column(primary_key=True)
    email: str = column(unique=True, doc="Where we write to them; must contain @.")
    display_name: str = column(doc="Shown next to what they write.")
    created_at: datetime = column(default=sql("now()"))


@table("posts")
@dataclass
class Post:
    """A user's posts; deleting a user deletes their posts."""

    id: int = column(primary_key=True)
    author_id: int = column(references="users.id", on_delete="cascade")
    title: str = column()
    body: str = column(default="")
    published_at: datetime | None = column()
    created_at: datetime = column(default=sql("now()"))


@table("comments")
@dataclass
class Comment:
    """Comments belong to a post; a deleted user's comments stay, anonymous."""

    id: int = column(primary_key=True)
    post_id: int = column(references="posts.id", on_delete="cascade")
    author_id: int | None = column(references="users.id", on_delete="set null")
    body: str = column()
    created_at: datetime = column(default=sql("now()"))
