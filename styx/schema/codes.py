"""Stable codes of schema diagnostics: validating documents, and loading schemas.

Editors, CI annotations and tests match on these, so they never change
meaning; each names the spec rule it enforces where there is one.
"""

# A document against its schema (schema[schema.validation.errors]).
TYPE_MISMATCH = "styx::type-mismatch"  # diag[diagnostic.deser.invalid-value]
OUT_OF_RANGE = "styx::out-of-range"  # schema[schema.constraints.int], [...float]
STRING_LENGTH = "styx::string-length"  # schema[schema.constraints.string]
PATTERN_MISMATCH = "styx::pattern-mismatch"  # schema[schema.constraints.string.pattern]
LITERAL_MISMATCH = "styx::literal-mismatch"  # schema[schema.literal]
MISSING_FIELD = "styx::missing-field"  # diag[diagnostic.deser.missing-field]
UNKNOWN_FIELD = "styx::unknown-field"  # diag[diagnostic.deser.unknown-field]
UNION_MISMATCH = "styx::union-mismatch"  # schema[schema.union]
TUPLE_LENGTH = "styx::tuple-length"  # schema[schema.tuple.validation]
INVALID_VARIANT = "styx::invalid-variant"  # diag[diagnostic.deser.unknown-variant]
VARIANT_PAYLOAD = "styx::variant-payload"  # schema[schema.enum]
NOT_ONE_OF = "styx::not-one-of"  # schema[schema.one-of.validation]
DEPRECATED = "styx::deprecated"  # schema[schema.deprecated], a warning
NO_ROOT_TYPE = "styx::no-root-type"  # schema[schema.root]

# A schema file itself. Problems the meta-schema finds use the codes above,
# with spans in the schema file.
UNKNOWN_TYPE = "styx::unknown-type"  # schema[schema.type.definition]
UNKNOWN_NAMESPACE = "styx::unknown-namespace"  # schema[schema.imports]
IMPORT_FAILED = "styx::import-failed"  # schema[schema.imports]
INVALID_CONSTRAINT = "styx::invalid-constraint"  # schema[schema.constraints.*]
INVALID_PATTERN = "styx::invalid-pattern"  # schema[schema.constraints.string.pattern]
INVALID_DEFAULT = "styx::invalid-default"  # schema[schema.default.validation]
INVALID_ONE_OF = "styx::invalid-one-of"  # schema[schema.one-of]
INVALID_FLATTEN = "styx::invalid-flatten"  # schema[schema.flatten.constraints]
FLATTEN_OVERLAP = "styx::flatten-overlap"  # schema[schema.flatten.constraints]
INVALID_MAP_KEY = "styx::invalid-map-key"  # schema[schema.map.keys]
INVALID_VERSION = "styx::invalid-version"  # schema[schema.meta.version]
EMPTY_UNION = "styx::empty-union"  # schema[schema.union]
RECURSIVE_ALIAS = "styx::recursive-alias"  # schema[schema.type.recursive]
RESERVED_NAME = "styx::reserved-type-name"  # schema[schema.type.definition]

ALL = tuple(value for name, value in sorted(globals().items()) if name.isupper() and name != "ALL")
