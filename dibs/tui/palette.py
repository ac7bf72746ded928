"""The UI's few colours, chosen to read on light and on dark backgrounds
(mid tones: Rich's ``yellow`` or ``cyan`` vanish on a light theme). Every
coloured thing also says what it is in words, so colour is never the only
signal."""

from __future__ import annotations

#: Added, applied, in sync.
GOOD = "#1f9d3f"
#: Pending, changed with a risk, a note.
WARN = "#c76a00"
#: Dropped, failed, destructive, changed after being applied.
BAD = "#d62b2b"
#: Renames and other things to confirm.
ASK = "#1a8fb3"
#: Migrations recorded but no longer defined.
GONE = "#a347ba"
