"""The app's tables, defined once in Python: dibs writes the migrations.

``dibs diff`` compares these definitions with a database and
``dibs generate-from-diff NAME`` writes the SQL that closes the gap into
``migrations/`` (every ``.sql`` migration there was written that way);
``dibs check`` fails CI when a database and these definitions disagree.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from dibs.tables import column, index, sql, table


class PostStatus(enum.Enum):
    """Where a post is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@table("users")
@dataclass
class User:
    """The people who write posts and comments."""

    id: int = column(primary_key=True, identity="always")
    email: str = column(unique=True, check="email LIKE '%@%'", doc="Where we write to them.")
    display_name: str = column(doc="Shown next to what they write.")
    created_at: datetime = column(default=sql("now()"))


@table(
    "posts",
    indexes=[index("author_id", "published_at DESC", name="posts_author_published_idx")],
)
@dataclass
class Post:
    """A user's posts; deleting a user deletes their posts."""

    id: int = column(primary_key=True, identity="always")
    author_id: int = column(references="users.id", on_delete="cascade")
    title: str = column(check="length(title) > 0")
    body: str = column(default="")
    status: PostStatus = column(default=PostStatus.DRAFT)
    published_at: datetime | None = column()
    created_at: datetime = column(default=sql("now()"))


@table("comments", indexes=[index("post_id")])
@dataclass
class Comment:
    """Comments belong to a post; a deleted user's comments stay, anonymous."""

    id: int = column(primary_key=True, identity="always")
    post_id: int = column(references="posts.id", on_delete="cascade")
    author_id: int | None = column(references="users.id", on_delete="set null")
    body: str = column()
    created_at: datetime = column(default=sql("now()"))
