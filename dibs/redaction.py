"""Database URLs without their password, and text without the password.

dibs runs in init containers and CI jobs whose logs many people read, so a
database password must never reach any output. Design points, each for a
leak seen in the wild:

* **One reading: libpq's.** A URL is parsed with psycopg's conninfo parser
  (``conninfo_to_dict``, which is libpq's ``PQconninfoParse``), never split
  by hand: ``urllib`` reads ``postgresql://u:pa#ss@h/db`` as a password
  ``pa`` and a fragment, libpq as the password ``pa#ss`` — and the part
  ``urllib`` did not call a password was printed in clear.
* **Shown, never edited.** `redact` rebuilds the connection string from the
  parsed parts with ``make_conninfo``, the password replaced; the text as
  written is never shown, so no spelling of the password can survive in it.
* **A string libpq cannot read is never echoed**, nor is libpq's message
  about it (it quotes the input): `NotPostgresUrl` says what is wrong in
  words of its own.
* **Every spelling is masked.** A db program, a driver or a migration may
  echo the password raw, percent-encoded (in either case, wholly or in
  part), inside a quoted ``password='...'`` keyword, JSON- or repr-escaped.
  `Scrubber` matches the password character by character, each character
  in any of those spellings, so a mixed spelling is caught too. It also
  knows ``PGPASSWORD``, which libpq uses when a URL has no password.

psycopg is imported only when a URL is parsed: it is the bulk of a db
program's start-up, and the CLI pays for it only when there is a URL. A URL
is parsed once per process (`read`), and not at all in a process that is
handed the `Reading` another one made: the CLI's forked database read
(`dibs.precheck`) parses for the CLI, and the CLI passes its readings on to
the db program with its requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: What a masked secret is replaced by.
MASK = "***"
#: What a URL libpq cannot read is shown as.
NOT_POSTGRES = "<not a PostgreSQL URL>"
#: Shorter secrets are masked only where they stand alone (``:ab@``,
#: ``password=ab``): masked everywhere they would eat every word holding them.
SHORT_SECRET = 4
#: The conninfo keywords whose values are secrets.
SECRET_KEYWORDS = ("password", "sslpassword")
#: The URL schemes libpq reads as URLs.
POSTGRES_SCHEMES = ("postgresql", "postgres")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*)://")
#: libpq's parse messages quote the offending text: never show that part.
_QUOTED = re.compile(r'"(.*)"', re.DOTALL)
#: A hint for people whose password holds characters URLs reserve.
ENCODE_HINT = (
    "percent-encode special characters of the password (# ? / @ : % and spaces), "
    "e.g. python3 -c \"import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))\" "
    "PASSWORD"
)


class NotPostgresUrl(ValueError):
    """A database URL libpq cannot read. The message never contains the
    URL; ``hint`` says how to write one."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Reading:
    """What libpq's parser made of one URL: its parameters, or why it cannot
    be read (a message and a hint, both safe to show), and the URL as it may
    be shown. Computed once per process — or by the process that already
    computed it (`remember`), so that neither the CLI on its no-op path nor
    the db program answering a listing imports psycopg only to mask a
    password libpq's parser has already found."""

    #: Never shown: it holds the password.
    params: Mapping[str, str] | None = field(repr=False)
    message: str = ""
    hint: str = ""
    redacted: str = NOT_POSTGRES

    def as_json(self) -> dict[str, Any]:
        return {
            "params": None if self.params is None else dict(self.params),
            "message": self.message,
            "hint": self.hint,
            "redacted": self.redacted,
        }

    @classmethod
    def from_json(cls, value: Any) -> Reading:
        """The inverse of `as_json`; raises ValueError for anything else."""
        if not isinstance(value, dict):
            raise ValueError("a URL reading is an object")
        params, message, hint, redacted = (
            value.get(key) for key in ("params", "message", "hint", "redacted")
        )
        if not (isinstance(message, str) and isinstance(hint, str) and isinstance(redacted, str)):
            raise ValueError("a URL reading's message, hint and redacted are strings")
        if params is not None and not (
            isinstance(params, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
        ):
            raise ValueError("a URL reading's params map strings to strings")
        return cls(params, message, hint, redacted)


#: Readings by URL (a process meets a handful of URLs; the oldest go first).
_readings: dict[str, Reading] = {}
_READINGS_KEPT = 64
#: Readings another process is computing: the URLs, and how to wait for them.
_pending: tuple[frozenset[str], Callable[[], None]] | None = None


def read(url: str) -> Reading:
    """``url`` as libpq reads it (see `Reading`): remembered, awaited from
    the process computing it (`expect`), or parsed here with psycopg."""
    global _pending
    known = _readings.get(url)
    if known is not None:
        return known
    if _pending is not None and url in _pending[0]:
        wait, _pending = _pending[1], None
        wait()
        known = _readings.get(url)
        if known is not None:
            return known
    reading = _read(url)
    remember(url, reading)
    return reading


def remember(url: str, reading: Reading) -> None:
    """Take ``reading`` as what libpq's parser makes of ``url``."""
    if len(_readings) >= _READINGS_KEPT and url not in _readings:
        del _readings[next(iter(_readings))]
    _readings[url] = reading


def expect(urls: Iterable[str], wait: Callable[[], None]) -> None:
    """Readings of ``urls`` are being computed elsewhere: a `read` of one of
    them calls ``wait`` (once), which `remember`s what it got; a URL it did
    not deliver is then parsed here."""
    global _pending
    _pending = (frozenset(urls), wait)


def readings(urls: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The readings of ``urls`` as JSON, for a process that meets them too."""
    return {url: read(url).as_json() for url in dict.fromkeys(urls) if url}


def remember_json(value: Any) -> None:
    """`remember` every reading of `readings`' output; anything malformed
    is ignored (those URLs are then parsed here, as without it)."""
    if not isinstance(value, dict):
        return
    for url, reading in value.items():
        if isinstance(url, str):
            with suppress(ValueError):
                remember(url, Reading.from_json(reading))


def _read(url: str) -> Reading:
    try:
        params = _parse(url)
    except NotPostgresUrl as error:
        return Reading(None, str(error), error.hint)
    from psycopg.conninfo import make_conninfo

    shown = {key: (MASK if key in SECRET_KEYWORDS else value) for key, value in params.items()}
    return Reading(params, redacted=make_conninfo(**shown))


def parse(url: str) -> dict[str, str]:
    """``url`` (a ``postgresql://`` URL or ``key=value`` pairs) as libpq reads
    it; raises `NotPostgresUrl`, whose message is safe to show."""
    reading = read(url)
    if reading.params is None:
        raise NotPostgresUrl(reading.message, reading.hint)
    return dict(reading.params)


def _parse(url: str) -> dict[str, str]:
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in POSTGRES_SCHEMES:
        raise NotPostgresUrl(
            f"not a PostgreSQL URL: it starts with {scheme.group(1)}://",
            "dibs migrates PostgreSQL: postgresql://USER@HOST:PORT/DATABASE",
        )
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        found = conninfo_to_dict(url)
    except ProgrammingError as error:
        reason = _QUOTED.sub('"…"', str(error).strip().splitlines()[0] if str(error) else "")
        if scheme is None:
            raise NotPostgresUrl(
                "not a PostgreSQL URL",
                "write postgresql://USER@HOST:PORT/DATABASE or key=value pairs"
                " (host=... dbname=...)",
            ) from None
        raise NotPostgresUrl(f"not a valid PostgreSQL URL: {reason}", ENCODE_HINT) from None
    params = {key: str(value) for key, value in found.items() if value is not None}
    if scheme is not None and not _plausible_address(params):
        # libpq read a password's unencoded @ / ? as the end of the password:
        # the rest of it became the host or port, which would be echoed back
        # by the connection attempt's error
        raise NotPostgresUrl(
            "not a valid PostgreSQL URL: its host or port holds characters no host or port"
            " has (an unencoded @, /, ? or : in the password?)",
            ENCODE_HINT,
        )
    return params


def _plausible_address(params: dict[str, str]) -> bool:
    """Hosts without ``@`` or spaces, ports of digits (libpq takes lists)."""
    hosts = params.get("host", "").split(",")
    ports = params.get("port", "").split(",")
    return not any(c in host for host in hosts for c in "@ ?#") and all(
        port.strip().isdigit() or not port.strip() for port in ports
    )


def redact(url: str) -> str:
    """``url`` as a ``key=value`` connection string with every secret
    replaced by ``***`` (``<not a PostgreSQL URL>`` when libpq cannot read it)."""
    return read(url).redacted


def describe(url: str) -> str:
    """A short name of the database for summaries: ``DB on HOST:PORT``
    (never a secret: built from the parsed parts that are not one)."""
    try:
        params = parse(url)
    except NotPostgresUrl:
        return NOT_POSTGRES
    name = params.get("dbname") or params.get("user") or "the default database"
    where = params.get("host") or "the local socket"
    if params.get("port"):
        where += f":{params['port']}"
    return f"database {name} on {where}"


def has_password(url: str) -> bool:
    """Whether ``url`` itself carries a password (as libpq reads it)."""
    try:
        return any(parse(url).get(key) for key in SECRET_KEYWORDS)
    except NotPostgresUrl:
        return bool(_written_passwords(url))


def secrets_of(url: str) -> list[str]:
    """Every secret ``url`` holds: as libpq reads it, and — when someone
    wrote a URL libpq reads differently or not at all (``p@ss`` unencoded)
    — the password as written, so that is masked too."""
    found: list[str] = []
    try:
        params = parse(url)
    except NotPostgresUrl:
        params = {}
    found += [params[key] for key in SECRET_KEYWORDS if params.get(key)]
    found += _written_passwords(url)
    return found


def _written_passwords(url: str) -> list[str]:
    """More masking, never less: the text between ``USER:`` and the last
    ``@`` of a URL's authority (what its author meant as the password, if
    libpq reads it otherwise)."""
    scheme = _SCHEME.match(url)
    if scheme is None:
        return []
    rest = url[scheme.end() :]
    authority = rest.rsplit("@", 1)[0] if "@" in rest else ""
    _user, colon, password = authority.partition(":")
    if not colon or not password:
        return []
    from urllib.parse import unquote

    return [password, unquote(password)]


def scrub(text: str, url: str) -> str:
    """``text`` with the secrets of ``url`` masked (for a caller with one
    URL and no `Scrubber` of its own)."""
    return _scrubber_of(url)(text)


@lru_cache(maxsize=16)
def _scrubber_of(url: str) -> Scrubber:
    scrubber = Scrubber()
    scrubber.add_url(url)
    return scrubber


def _hex(digits: str) -> str:
    """Hex digits matched in either case."""
    return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in digits)


def _character(char: str) -> str:
    """A regular expression for one character in any spelling: itself,
    percent-encoded (hex in either case), backslash-escaped, ``\\uXXXX``."""
    spellings = [re.escape(char)]
    encoded = "".join("%" + _hex(f"{b:02x}") for b in char.encode("utf-8"))
    spellings.append(encoded)
    if not char.isalnum() and char.isascii():
        spellings.append(r"\\" + re.escape(char))
    if char == " ":
        spellings.append(r"\+")
    if not char.isascii():
        spellings.append(r"\\u" + _hex(f"{ord(char):04x}"))
    return "(?:" + "|".join(spellings) + ")"


def _spelled(secret: str) -> str:
    """A regular expression for ``secret`` in any spelling, character by
    character; a short one only where no letter or digit touches it."""
    pattern = "".join(_character(c) for c in secret)
    if len(secret) < SHORT_SECRET:
        pattern = rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])"
    return pattern


class Scrubber:
    """Text with every known secret masked, in any spelling (see the module
    header). Secrets are added as they become known (the URL from ``-d``,
    ``DATABASE_URL``, ``.env``, ``PGPASSWORD``)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._urls: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """Mask ``secret`` from now on (empty ones are ignored)."""
        if secret and secret not in self._secrets:
            self._secrets.add(secret)
            self._pattern = None

    def add_url(self, url: str | None) -> None:
        """Mask the secrets of ``url`` (parsed when first needed)."""
        if url and url not in self._urls:
            self._urls.append(url)
            self._pattern = None

    def add_environment(self, environ: Mapping[str, str]) -> None:
        """The secrets libpq and dibs take from the environment."""
        self.add(environ.get("PGPASSWORD"))
        self.add_url(environ.get("DATABASE_URL"))

    def add_arguments(self, argv: Iterable[str]) -> None:
        """Anything on a command line that could hold a password (a URL or
        a ``password=`` keyword, wherever it was put — even by mistake)."""
        for arg in argv:
            if "://" in arg or "password" in arg.lower():
                self.add_url(arg)

    @property
    def empty(self) -> bool:
        return not self._secrets and not self._urls

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None:
            for url in self._urls:
                self._secrets.update(secret for secret in secrets_of(url) if secret)
            self._urls.clear()
            if not self._secrets:
                return None
            alternatives = [
                _spelled(secret) for secret in sorted(self._secrets, key=len, reverse=True)
            ]
            self._pattern = re.compile("|".join(alternatives))
        return self._pattern

    def __call__(self, text: str) -> str:
        if self.empty:
            return text
        pattern = self._compiled()
        return pattern.sub(MASK, text) if pattern is not None else text

    def data(self, value: Any) -> Any:
        """``value`` (JSON-shaped) with every string scrubbed."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self.data(k): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value
