"""The db program: ``my-app-db`` (console script) or ``python -m my_app_db``.

It is not meant to be run by hand: ``dibs migrate`` / ``dibs status`` start
it, and it answers their requests until they hang up.
"""

from dibs.service import run_service


def main() -> None:
    """Serve this package's migrations to the dibs CLI that started us."""
    run_service(package="my_app_db")


if __name__ == "__main__":
    main()
