"""Stable codes of the syntax diagnostics, shown in every output format.

Editors, CI annotations and tests match on these, so they never change
meaning; each names the spec rule it enforces where there is one.
"""

UNEXPECTED_TOKEN = "styx::unexpected-token"  # diag[diagnostic.parser.unexpected]
UNEXPECTED_CHARACTER = "styx::unexpected-character"
UNCLOSED_DELIMITER = "styx::unclosed-delimiter"  # diag[diagnostic.parser.unclosed]
UNTERMINATED_STRING = "styx::unterminated-string"  # diag[diagnostic.parser.unterminated-string]
UNTERMINATED_RAW = "styx::unterminated-raw-string"  # parser[scalar.raw.syntax]
UNTERMINATED_HEREDOC = "styx::unterminated-heredoc"  # diag[diagnostic.parser.unterminated-heredoc]
HEREDOC_DELIMITER = "styx::heredoc-delimiter"  # parser[scalar.heredoc.invalid]
HEREDOC_DELIMITER_LENGTH = "styx::heredoc-delimiter-length"  # parser[scalar.heredoc.syntax]
HEREDOC_INDENT = "styx::heredoc-indent"  # diag[diagnostic.parser.heredoc-indent]
HEREDOC_LANG = "styx::heredoc-lang"  # parser[scalar.heredoc.lang]
INVALID_ESCAPE = "styx::invalid-escape"  # parser[scalar.quoted.escapes]
INVALID_TAG_NAME = "styx::invalid-tag-name"  # parser[tag.syntax]
INVALID_KEY = "styx::invalid-key"  # parser[entry.keys]
DUPLICATE_KEY = "styx::duplicate-key"  # parser[entry.key-equality]
REOPENED_PATH = "styx::reopened-path"  # parser[entry.path.reopen]
NEST_INTO_TERMINAL = "styx::nest-into-terminal"  # diag[diagnostic.parser.nest-into-terminal]
TOO_MANY_ATOMS = "styx::too-many-atoms"  # parser[entry.toomany]
MISSING_WHITESPACE = "styx::missing-whitespace"  # parser[entry.whitespace]
DANGLING_DOC_COMMENT = "styx::dangling-doc-comment"  # parser[comment.doc]
TRAILING_CONTENT = "styx::trailing-content"  # parser[document.root]
COMMA_IN_SEQUENCE = "styx::comma-in-sequence"  # parser[sequence.syntax]
ATTRIBUTE_IN_SEQUENCE = "styx::attribute-in-sequence"  # diag[diagnostic.parser.attr-in-sequence]
EXPECTED_VALUE = "styx::expected-value"  # parser[attr.syntax]
ADJACENT_TAGS = "styx::adjacent-tags"  # parser[tag.chain]
INVALID_ENCODING = "styx::invalid-encoding"
NESTING_TOO_DEEP = "styx::nesting-too-deep"  # docs/spec-decisions.md, MAX_NESTING
# Warnings: valid text that the reference parser reads as another document
# (styx/syntax/divergence.py, docs/spec-decisions.md).
TAG_NAME_BEFORE_QUOTE = "styx::tag-name-before-quote"  # parser[tag.syntax], decision 8
QUOTED_PATH_SEGMENT = "styx::quoted-path-segment"  # parser[entry.path], decision 20
HEREDOC_CRLF = "styx::heredoc-crlf"  # parser[scalar.heredoc.syntax], decision 12
BYTE_ORDER_MARK = "styx::byte-order-mark"  # decision 21

ALL = tuple(value for name, value in sorted(globals().items()) if name.isupper() and name != "ALL")
