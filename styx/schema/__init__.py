"""Styx schemas: the schema language, validation, resolution and typed loading.

- `load_schema` / `load_schema_file` / `load_inline` (styx.schema.load):
  schema text to a `Schema`, checked against the meta-schema.
- `validate` (styx.schema.validate): every error and warning of a document.
- `resolve` (styx.schema.resolve): the schema a document declares.
- `schema_for`, `load` (styx.schema.typed, styx.schema.loader): one
  dataclass gives both the schema file and the loader.
"""
