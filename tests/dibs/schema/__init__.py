"""Tests of dibs.schema: model, DDL, diff, introspection."""
