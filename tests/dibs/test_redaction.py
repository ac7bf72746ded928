"""`dibs.redaction`: libpq's reading of a URL, and no password in any spelling."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dibs.redaction import (
    NotPostgresUrl,
    Scrubber,
    describe,
    has_password,
    parse,
    redact,
    secrets_of,
)

#: Characters URLs reserve, that people put in passwords.
SPECIAL = "#?/@:% "


def test_libpq_reads_an_unencoded_hash_as_part_of_the_password() -> None:
    """The reported leak: urllib read ``pa`` as the password of this URL."""
    url = "postgresql://postgres:pa#ss@127.0.0.1:5432/db"
    assert parse(url)["password"] == "pa#ss"
    assert redact(url) == "user=postgres password=*** dbname=db host=127.0.0.1 port=5432"
    assert "pa#ss" not in redact(url) and "#ss" not in redact(url)
    assert describe(url) == "database db on 127.0.0.1:5432"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:s3cret@h/db",
        "postgresql://u:s3cr%65t@h/db",
        "postgres://h/db?password=s3cret&sslmode=require",
        "host=h password=s3cret dbname=d",
        "host=h password='s3 cret' dbname=d",
        "host=h sslpassword=s3cret dbname=d",
    ],
)
def test_every_form_of_password_is_masked(url: str) -> None:
    shown = redact(url)
    assert "***" in shown and "s3" not in shown
    assert has_password(url)


def test_a_url_without_password_is_shown_whole() -> None:
    assert redact("postgresql://u@h:5/db") == "user=u dbname=db host=h port=5"
    assert not has_password("postgresql://u@h:5/db")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:s3cret@h/db", "not a PostgreSQL URL: it starts with mysql://"),
        ("notaurl", "not a PostgreSQL URL"),
        ("u:s3cret@h/db", "not a PostgreSQL URL"),
        ("postgresql://u:s3?cr/et@h/db", "not a valid PostgreSQL URL"),
        ("postgresql://u:s3%zzcret@h/db", "not a valid PostgreSQL URL"),
    ],
)
def test_what_libpq_cannot_read_is_never_echoed(url: str, message: str) -> None:
    with pytest.raises(NotPostgresUrl) as caught:
        parse(url)
    assert str(caught.value).startswith(message)
    assert "s3" not in str(caught.value) and "cret" not in str(caught.value)
    assert caught.value.hint
    assert redact(url) == describe(url) == "<not a PostgreSQL URL>"


def test_a_raw_space_is_refused_or_read_whole_never_echoed() -> None:
    """libpq 17 refuses a space in a URL; older ones read it as part of the
    password. Either way nothing of it is shown."""
    url = "postgresql://u:s3 cret@h/db"
    try:
        assert parse(url)["password"] == "s3 cret"
    except NotPostgresUrl as error:
        assert str(error).startswith("not a valid PostgreSQL URL")
        assert "s3" not in str(error) and "cret" not in str(error)
    assert "s3" not in redact(url) and "cret" not in redact(url)


def test_a_password_libpq_reads_otherwise_is_masked_as_written() -> None:
    """``p@ss:w0rd`` unencoded: libpq reads the password ``p`` and a host
    ``ss``; what its author meant is masked too."""
    url = "postgresql://u:p@ss:w0rd@h/db"
    assert "p@ss:w0rd" in secrets_of(url)
    scrub = Scrubber()
    scrub.add_url(url)
    assert scrub(f"failed for {url}") == "failed for postgresql://u:***@h/db"


def test_short_secrets_are_masked_only_where_they_stand_alone() -> None:
    scrub = Scrubber(["pw"])
    assert scrub("postgres:pw@host pwd password=pw") == "postgres:***@host pwd password=***"


SPELLINGS = [
    lambda p: p,
    lambda p: quote(p, safe=""),
    lambda p: re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(p, safe="")),
    lambda p: quote(p),
    lambda p: quote_plus(p),
    lambda p: json.dumps(p)[1:-1],
    lambda p: json.dumps(p, ensure_ascii=False)[1:-1],
    lambda p: repr(p)[1:-1],
    lambda p: p.replace("\\", "\\\\").replace("'", "\\'"),  # a quoted conninfo value
]


@given(
    password=st.text(
        alphabet=st.sampled_from("abcXYZ019" + SPECIAL + "'\"\\é€"), min_size=4, max_size=24
    ),
    spelling=st.sampled_from(range(len(SPELLINGS))),
    before=st.text(alphabet="xyz <>[]=", max_size=8),
)
def test_scrubber_masks_every_spelling(password: str, spelling: int, before: str) -> None:
    written = SPELLINGS[spelling](password)
    scrub = Scrubber([password])
    assert password not in scrub(before + written + before)
    assert written not in scrub(before + written + before)


@pytest.mark.parametrize("char", list(SPECIAL))
@pytest.mark.parametrize("encoded", [False, True])
def test_scrubber_knows_the_password_of_a_url_however_written(char: str, encoded: bool) -> None:
    password = f"pa{char}ss-w0rd"
    written = quote(password, safe="") if encoded else password
    url = f"postgresql://postgres:{written}@127.0.0.1:5432/db"
    scrub = Scrubber()
    scrub.add_url(url)
    for text in (url, password, quote(password, safe=""), f"password='{password}'"):
        assert password not in scrub(text)
        assert quote(password, safe="") not in scrub(text)


def test_scrubber_knows_the_environment() -> None:
    scrub = Scrubber()
    scrub.add_environment(
        {"PGPASSWORD": "from-env-pw", "DATABASE_URL": "postgresql://u:url%23pw@h/db"}
    )
    assert scrub("from-env-pw url#pw url%23pw") == "*** *** ***"


def test_scrubber_of_json_shaped_data() -> None:
    scrub = Scrubber(["s3cret"])
    assert scrub.data({"a": ["x s3cret", 1, None], "s3cret": True}) == {
        "a": ["x ***", 1, None],
        "***": True,
    }


def test_scrubber_reads_argv_for_urls_put_anywhere() -> None:
    scrub = Scrubber()
    scrub.add_arguments(["migrate", "postgresql://u:argv-pw@h/db", "--json"])
    assert scrub("Got unexpected extra argument (postgresql://u:argv-pw@h/db)") == (
        "Got unexpected extra argument (postgresql://u:***@h/db)"
    )


@pytest.mark.parametrize("char", "@/")
def test_a_password_libpq_would_split_into_the_host_is_refused(char: str) -> None:
    """libpq reads ``u:pa@ss@h`` as the password ``pa`` and the host ``ss@h``
    (``u:pa/ss@h`` as the host ``u``, port ``pa``), and a connection error
    would then echo part of the password: refused unread."""
    url = f"postgresql://u:pa{char}ss-w0rd@127.0.0.1:5432/db"
    with pytest.raises(NotPostgresUrl) as caught:
        parse(url)
    assert "ss-w0rd" not in str(caught.value)


def test_libpq_reads_an_unencoded_question_mark_before_the_at() -> None:
    assert parse("postgresql://u:pa?ss@127.0.0.1:5432/db")["password"] == "pa?ss"


def test_host_and_port_lists_are_fine() -> None:
    assert parse("postgresql://u@h1:5432,h2:5433/db")["port"] == "5432,5433"
    assert parse("host=h1,h2 port=5432,5433 dbname=d")["host"] == "h1,h2"
