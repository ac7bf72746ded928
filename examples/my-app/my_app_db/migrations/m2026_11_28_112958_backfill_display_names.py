"""Fill ``users.display_name`` for existing rows, from the email.

The column was added (nullable) by the migration before this one, which
``dibs generate-from-diff`` wrote; a diff knows the schema, not the data, so
this step is written by hand. It runs outside a transaction
(``transaction=False``) on purpose: on a big ``users`` table one transaction
would hold row locks on every user until the end, while each ``backfill``
batch commits on its own. A failure can leave the work half done, so it
only selects the rows still missing a name: rerunning ``dibs migrate``
finishes the job. Making the column ``NOT NULL`` is the next migration.
"""

from dibs.migrations import migration
from dibs.runner import MigrationContext


@migration(transaction=False)
def m2026_11_28_112958_backfill_display_names(ctx: MigrationContext) -> None:
    """Give every user the part of their email before ``@`` as display name."""
    ctx.backfill(
        "SELECT id FROM users WHERE display_name IS NULL",
        "UPDATE users SET display_name = split_part(email, '@', 1) WHERE id = ANY(%s)",
        batch_size=500,
    )
