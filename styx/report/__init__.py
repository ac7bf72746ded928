"""Turning diagnostics into text for people and for tools (the CLI's edge)."""
