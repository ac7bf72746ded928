"""Schemas embedded in binaries, found without running them.

A program can carry its configuration schema inside its own executable so
that editors and the ``styx`` command discover it from the binary alone:
scanning bytes is safe even for an untrusted program, whereas asking it
(``tool --print-schema``) would execute it. This module reads and writes the
reference implementation's blob format, byte for byte:

======  ===========================================================
bytes   meaning
======  ===========================================================
16      magic ``STYX_SCHEMA_V2`` followed by two NUL bytes
4       length of the schema text in bytes (u32, little-endian)
4       length of the compressed payload in bytes (u32, little-endian)
32      BLAKE3 hash of the *uncompressed* schema text
n       payload: the text's length again as a u32 little-endian prefix,
        then one LZ4 *block* (not an LZ4 frame) holding the text
======  ===========================================================

The compressed length counts the 4-byte prefix; this is what Rust's
``lz4_flex::compress_prepend_size`` writes and what ``lz4.block`` writes with
``store_size=True``. A binary may hold several blobs, one per schema.

Because the magic can also occur by accident (in debug information, or in a
tool such as the ``styx`` binary that contains the constant itself), every
candidate is verified and the ones that fail are skipped; `scan` reports why,
for callers that want to explain an empty result. The legacy
``STYX_SCHEMAS_V1`` container (a count followed by several such records) is
still read, after all V2 blobs, as the reference does.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

import blake3
import lz4.block  # type: ignore[import-untyped]  # ships no type information

MAGIC_V2 = b"STYX_SCHEMA_V2\x00\x00"
MAGIC_V1 = b"STYX_SCHEMAS_V1\x00"

#: Uncompressed length, compressed length, BLAKE3 digest.
_RECORD = struct.Struct("<II32s")
_PREFIX = struct.Struct("<I")
#: LZ4 cannot expand data by more than this factor (255 bytes per
#: length-extension byte), so a header claiming more is corrupt; checking it
#: first keeps a false magic match from making us allocate gigabytes.
_LZ4_MAX_RATIO = 255


class BlobError(ValueError):
    """A candidate blob that does not verify; the message says why."""


@dataclass(frozen=True)
class BlobProblem:
    """A magic marker whose blob was rejected, and the reason."""

    offset: int
    reason: str

    def __str__(self) -> str:
        return f"at byte {self.offset}: {self.reason}"


@dataclass
class Extraction:
    """What a scan found: the verified schema texts, and the rejected candidates."""

    schemas: list[str] = field(default_factory=list)
    problems: list[BlobProblem] = field(default_factory=list)


def encode_blob(schema_text: str) -> bytes:
    """The V2 blob of one schema, ready to be placed in a binary's data."""
    text = schema_text.encode("utf-8")
    payload: bytes = lz4.block.compress(text, store_size=True)
    digest = blake3.blake3(text).digest()
    return MAGIC_V2 + _RECORD.pack(len(text), len(payload), digest) + payload


def find_embedded_schemas(data: bytes | bytearray | memoryview | mmap.mmap) -> list[str]:
    """Every schema embedded in a binary's bytes, in the reference's order."""
    return scan(data).schemas


def read_embedded_schemas(path: str | os.PathLike[str]) -> list[str]:
    """Every schema embedded in the file at ``path``; the file is only read."""
    return scan_file(path).schemas


def scan_file(path: str | os.PathLike[str]) -> Extraction:
    """Scan a file through a read-only memory map, so that a 100 MB binary
    costs address space rather than memory. Raises OSError if it cannot be
    opened."""
    with open(path, "rb") as handle:
        try:
            view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped, and holds nothing
            return Extraction()
        except OSError:  # not mappable (a pipe, some special files): read it
            return scan(handle.read())
        with view:
            return scan(view)


def scan(data: bytes | bytearray | memoryview | mmap.mmap) -> Extraction:
    """All V2 blobs, then all legacy V1 containers, each verified."""
    buffer: bytes | bytearray | mmap.mmap = data.tobytes() if isinstance(data, memoryview) else data
    found = Extraction()
    for offset in _occurrences(buffer, MAGIC_V2):
        try:
            text, _ = _read_record(buffer, offset + len(MAGIC_V2))
        except BlobError as error:
            found.problems.append(BlobProblem(offset, str(error)))
        else:
            found.schemas.append(text)
    for offset in _occurrences(buffer, MAGIC_V1):
        try:
            found.schemas.extend(_read_v1(buffer, offset + len(MAGIC_V1)))
        except BlobError as error:
            found.problems.append(BlobProblem(offset, str(error)))
    return found


def _occurrences(buffer: bytes | bytearray | mmap.mmap, magic: bytes) -> Iterator[int]:
    """Offsets of every occurrence of ``magic``. Resuming one byte after each
    hit (rather than after the blob) matches the reference, which also finds a
    blob whose bytes happen to contain the magic."""
    position = buffer.find(magic)
    while position != -1:
        yield position
        position = buffer.find(magic, position + 1)


def _read_record(buffer: bytes | bytearray | mmap.mmap, start: int) -> tuple[str, int]:
    """The schema text of the record at ``start``, and the offset after it."""
    header_end = start + _RECORD.size
    if header_end > len(buffer):
        raise BlobError("truncated header")
    text_length, payload_length, digest = _RECORD.unpack(buffer[start:header_end])
    end = header_end + payload_length
    if end > len(buffer):
        raise BlobError(
            f"truncated payload: {payload_length} bytes announced, "
            f"{len(buffer) - header_end} present"
        )
    text = _decompress(bytes(buffer[header_end:end]), text_length)
    if blake3.blake3(text).digest() != digest:
        raise BlobError("BLAKE3 hash mismatch")
    try:
        return text.decode("utf-8"), end
    except UnicodeDecodeError as error:
        raise BlobError("schema is not valid UTF-8") from error


def _decompress(payload: bytes, text_length: int) -> bytes:
    """The LZ4 block after its size prefix, checked against the header."""
    if len(payload) < _PREFIX.size:
        raise BlobError("payload shorter than its size prefix")
    (prefixed_length,) = _PREFIX.unpack_from(payload)
    if prefixed_length != text_length:
        raise BlobError(f"size prefix {prefixed_length} disagrees with header length {text_length}")
    if text_length > _LZ4_MAX_RATIO * len(payload) + 16:
        raise BlobError("header length is impossible for an LZ4 block of this size")
    try:
        text: bytes = lz4.block.decompress(payload)
    except lz4.block.LZ4BlockError as error:
        raise BlobError(f"LZ4 decompression failed: {error}") from error
    if len(text) != text_length:
        raise BlobError(f"decompressed to {len(text)} bytes, header says {text_length}")
    return text


def _read_v1(buffer: bytes | bytearray | mmap.mmap, start: int) -> list[str]:
    """A legacy container: a u16 count, then that many records. Like the
    reference, one bad record rejects the whole container."""
    if start + 2 > len(buffer):
        raise BlobError("truncated V1 count")
    (count,) = struct.unpack("<H", buffer[start : start + 2])
    position = start + 2
    texts = []
    for _ in range(count):
        text, position = _read_record(buffer, position)
        texts.append(text)
    return texts
