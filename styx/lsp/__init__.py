"""`styx lsp`: a language server for Styx documents, on pygls.

Only `styx lsp` imports this package, and pygls and lsprotocol load nowhere
else, so the linting verbs start without them. `analysis`, `cursor`,
`fields`, `fixes` and `hints` understand documents and schemas and know
nothing of the protocol; `protocol`, `navigation`, `editing`,
`decorations` and `tokens` turn their answers into LSP values; `fetching`
resolves URL schemas in the background; `server` wires them to pygls.
"""
