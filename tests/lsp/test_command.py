"""`styx lsp` as a command: help, and the verb listed among the others."""

from __future__ import annotations


def test_lsp_help(run_styx) -> None:
    done = run_styx("lsp", "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: styx lsp" in done.stdout
    assert "language server" in done.stdout
    assert "--stdio" in done.stdout


def test_lsp_listed_in_styx_help(run_styx) -> None:
    done = run_styx("--help")
    assert done.returncode == 0
    assert "lsp" in done.stdout.split("Commands")[1]
