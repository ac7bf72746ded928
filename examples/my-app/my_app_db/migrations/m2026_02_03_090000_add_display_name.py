"""Give every user a display name, filled from their email for existing rows.

This runs outside a transaction (``transaction=False``) on purpose: on a big
``users`` table one transaction would hold row locks on every user until the
end. Here each ``backfill`` batch commits on its own. The price is that a
failure can leave the work half done, so every step is written to be
re-runnable: ``IF NOT EXISTS``, and a backfill that only selects the rows
still missing a name. Rerunning ``dibs migrate`` after a failure finishes
the job. Making the column ``NOT NULL`` is the next, transactional,
migration.
"""

from dibs.migrations import migration
from dibs.runner import MigrationContext


@migration(transaction=False)
def m2026_02_03_090000_add_display_name(ctx: MigrationContext) -> None:
    """Add ``users.display_name`` and fill it with the part of the email before ``@``."""
    ctx.execute("ALTER TABLE users ADD COLUMN IF NOT EXISTS display_name text")
    ctx.backfill(
        "SELECT id FROM users WHERE display_name IS NULL",
        "UPDATE users SET display_name = split_part(email, '@', 1) WHERE id = ANY(%s)",
        batch_size=500,
    )
