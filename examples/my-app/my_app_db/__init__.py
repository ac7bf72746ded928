"""my-app's database: its migrations, served to the ``dibs`` CLI.

The ``.sql`` files and the ``@migration`` functions in ``migrations/`` are
named ``mYYYY_MM_DD_HHMMSS_what``; dibs applies them in that order.
"""
