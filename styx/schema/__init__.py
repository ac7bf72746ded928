"""Styx schemas: the schema language, validation, resolution and typed loading."""
