"""The STYX_SCHEMA_V2 blob: its bytes, finding it in binaries, rejecting bad ones."""

from __future__ import annotations

import os
import stat
import struct
import tracemalloc
from pathlib import Path

import blake3
import pytest

from styx.schema.embed import (
    MAGIC_V1,
    MAGIC_V2,
    encode_blob,
    find_embedded_schemas,
    read_embedded_schemas,
    scan,
    scan_file,
)

SCHEMA = "meta {id crate:demo@1}\n\nschema {\n  @ @object{host @string, port @int}\n}\n"
OTHER = "meta {id crate:other@2}\nschema {@ @string}\n"


def literal_block_blob(text: bytes) -> bytes:
    """A blob assembled by hand from the format description, independently
    of the lz4 library: its payload is one LZ4 block of literals only, which
    the block format spells as a token, length-extension bytes, the bytes."""
    length = len(text)
    token, extension = (length << 4, b"") if length < 15 else (0xF0, _extension(length - 15))
    block = bytes([token]) + extension + text
    payload = struct.pack("<I", length) + block
    header = struct.pack("<II", length, len(payload)) + blake3.blake3(text).digest()
    return MAGIC_V2 + header + payload


def _extension(rest: int) -> bytes:
    return b"\xff" * (rest // 255) + bytes([rest % 255])


# --- the format ------------------------------------------------------------


def test_blob_layout_is_the_reference_one() -> None:
    blob = encode_blob(SCHEMA)
    text = SCHEMA.encode()
    assert blob[:16] == b"STYX_SCHEMA_V2\0\0"
    text_length, payload_length = struct.unpack("<II", blob[16:24])
    assert text_length == len(text)
    assert payload_length == len(blob) - 56
    assert blob[24:56] == blake3.blake3(text).digest()  # of the uncompressed text
    assert struct.unpack("<I", blob[56:60]) == (len(text),)  # size-prefixed block, not a frame
    assert blob[60:64] != b"\x04\x22\x4d\x18"  # the LZ4 frame magic


@pytest.mark.parametrize(
    "text", [b"", b"short", b"x" * 15, "h\u00e9llo w\u00f6rld \u2603 ".encode() * 40]
)
def test_hand_built_blob_is_read(text: bytes) -> None:
    assert find_embedded_schemas(literal_block_blob(text)) == [text.decode()]


@pytest.mark.parametrize("text", ["", "a", SCHEMA, "\u00fcnicode \U0001f600\n" * 500])
def test_round_trip(text: str) -> None:
    assert find_embedded_schemas(encode_blob(text)) == [text]


def test_several_blobs_among_other_bytes_in_order() -> None:
    data = os.urandom(5000) + encode_blob(SCHEMA) + os.urandom(777) + encode_blob(OTHER) + b"\0" * 9
    assert find_embedded_schemas(data) == [SCHEMA, OTHER]


def test_nothing_in_plain_bytes() -> None:
    found = scan(b"\0" * 4096 + b"STYX_SCHEMA_V" + b"\0" * 100)
    assert found.schemas == []
    assert found.problems == []


def test_accepts_bytearray_and_memoryview() -> None:
    blob = encode_blob(SCHEMA)
    assert find_embedded_schemas(bytearray(blob)) == [SCHEMA]
    assert find_embedded_schemas(memoryview(b"pad" + blob)) == [SCHEMA]


def test_legacy_v1_container_is_read_after_v2() -> None:
    records = b"".join(encode_blob(text)[16:] for text in (SCHEMA, OTHER))
    legacy = MAGIC_V1 + struct.pack("<H", 2) + records
    assert find_embedded_schemas(legacy + encode_blob("v2")) == ["v2", SCHEMA, OTHER]


# --- corrupt blobs ---------------------------------------------------------


#: Claims 2 GiB of text from an 8-byte payload, which LZ4 cannot produce.
HUGE = MAGIC_V2 + struct.pack("<II", 2**31, 8) + bytes(32) + struct.pack("<I", 2**31) + b"\x10a\0\0"
#: One literal, then a match reaching 5 bytes back into 1 byte of output.
BAD_LZ4 = MAGIC_V2 + struct.pack("<II", 5, 8) + bytes(32) + struct.pack("<I", 5) + b"\x10a\x05\x00"


def corrupt(offset: int, blob: bytes | None = None) -> bytes:
    data = bytearray(blob or encode_blob(SCHEMA))
    data[offset] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (corrupt(30), "BLAKE3 hash mismatch"),
        (encode_blob(SCHEMA)[:40], "truncated header"),
        (encode_blob(SCHEMA)[:-3], "truncated payload"),
        (corrupt(16), "disagrees with header length"),
        (corrupt(56), "disagrees with header length"),
        (corrupt(23), "truncated payload"),
        (HUGE, "impossible"),
        (BAD_LZ4, "LZ4 decompression failed"),
    ],
    ids=["hash", "header", "payload", "length", "prefix", "payload-length", "huge", "lz4"],
)
def test_corrupt_blob_is_skipped_with_reason(data: bytes, reason: str) -> None:
    found = scan(b"head" + data)
    assert found.schemas == []
    [problem] = found.problems
    assert problem.offset == 4
    assert reason in problem.reason


def test_invalid_utf8_with_a_valid_hash_is_rejected() -> None:
    found = scan(literal_block_blob(b"\xff\xfe not text"))
    assert found.schemas == []
    assert [p.reason for p in found.problems] == ["schema is not valid UTF-8"]


def test_good_blob_after_a_corrupt_one_is_still_found() -> None:
    found = scan(corrupt(30) + encode_blob(OTHER))
    assert found.schemas == [OTHER]
    assert len(found.problems) == 1


def test_bare_magic_constant_is_not_a_schema() -> None:
    """A tool that contains the magic as a constant (the styx binary does)
    yields no schema and no crash."""
    found = scan(b"..." + MAGIC_V2 + b"other constants follow here" * 3)
    assert found.schemas == []
    assert len(found.problems) == 1


def test_bad_v1_container_is_rejected_whole() -> None:
    records = encode_blob(SCHEMA)[16:] + corrupt(30, encode_blob(OTHER))[16:]
    found = scan(MAGIC_V1 + struct.pack("<H", 2) + records)
    assert found.schemas == []
    assert [p.reason for p in found.problems] == ["BLAKE3 hash mismatch"]


# --- files -----------------------------------------------------------------


def executable(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_file_is_read_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = f"#!/bin/sh\ntouch {marker}\nexit 0\n".encode()
    tool = executable(tmp_path / "tool", script + encode_blob(SCHEMA) + os.urandom(300))
    assert read_embedded_schemas(tool) == [SCHEMA]
    assert not marker.exists()


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    assert read_embedded_schemas(tmp_path / "empty") == []
    with pytest.raises(FileNotFoundError):
        read_embedded_schemas(tmp_path / "absent")


def test_corrupt_blob_in_a_file_is_reported(tmp_path: Path) -> None:
    tool = executable(tmp_path / "tool", os.urandom(1000) + corrupt(30))
    found = scan_file(tool)
    assert found.schemas == []
    assert [str(p) for p in found.problems] == ["at byte 1000: BLAKE3 hash mismatch"]


def test_large_binary_is_mapped_not_loaded(tmp_path: Path) -> None:
    """A 100 MB binary with the blob at its end: found, without the file's
    bytes ever being copied into Python memory."""
    size = 100 * 1024 * 1024
    tool = tmp_path / "big"
    with open(tool, "wb") as stream:
        stream.truncate(size)  # sparse: cheap to create, costly to read whole
        stream.seek(size - 4096)
        stream.write(encode_blob(SCHEMA))
    tracemalloc.start()
    try:
        assert read_embedded_schemas(tool) == [SCHEMA]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
