"""One Parquet file from row groups encoded apart (in parallel), without encoding them again.

pyarrow's ``ParquetWriter`` encodes the columns of a row group one after another on one thread.
:class:`~tmigr_trace.store.TraceWriter` encodes its row groups on several threads instead, each
into a small in-memory Parquet file of its own, and this module joins them: the bytes of each
file's row groups are copied after the previous ones, and one footer lists them all, the file
offsets in its column chunks moved by where they now start. Pages, encodings, statistics and
checksums are the bytes pyarrow wrote; the footer is pyarrow's own, decoded and re-encoded with
Thrift's compact protocol (the footer's only encoding, parquet-format's ``parquet.thrift``), with
nothing changed but the row groups, the row count and the key-value metadata.

A decode of any footer followed by an encode gives back the same bytes (tests check it on the
footers pyarrow writes), so the fields of the footer this module does not know pass through.
"""

from __future__ import annotations

import struct

# Thrift compact protocol types
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)
_MAGIC = b"PAR1"

# parquet.thrift field ids
FMD_NUM_ROWS, FMD_ROW_GROUPS, FMD_KEY_VALUE = 3, 4, 5
RG_COLUMNS, RG_FILE_OFFSET, RG_ORDINAL = 1, 5, 7
CC_FILE_OFFSET, CC_META, CC_OFFSET_INDEX, CC_COLUMN_INDEX = 2, 3, 4, 6
CMD_DATA_PAGE, CMD_INDEX_PAGE, CMD_DICT_PAGE, CMD_BLOOM = 9, 10, 11, 14


class FooterError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------
# decode: a struct is a list of [field id, type, value]; a list is [element type, [values]]


def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = out = 0
    while True:
        if i >= len(b):
            raise FooterError("truncated varint")
        c = b[i]
        i += 1
        out |= (c & 0x7F) << shift
        if not c & 0x80:
            return out, i
        shift += 7
        if shift > 70:
            raise FooterError("varint too long")


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _value(b: bytes, i: int, t: int):
    if t in (_I16, _I32, _I64):
        v, i = _varint(b, i)
        return _zigzag(v), i
    if t == _BINARY:
        n, i = _varint(b, i)
        if i + n > len(b):
            raise FooterError("truncated binary")
        return b[i: i + n], i + n
    if t == _STRUCT:
        return _struct(b, i)
    if t in (_LIST, _SET):
        if i >= len(b):
            raise FooterError("truncated list")
        h = b[i]
        i += 1
        n, et = h >> 4, h & 0x0F
        if n == 15:
            n, i = _varint(b, i)
        items = []
        for _ in range(n):
            if et in (_TRUE, _FALSE):  # a bool in a container: one byte
                items.append(b[i])
                i += 1
            else:
                v, i = _value(b, i, et)
                items.append(v)
        return [et, items], i
    if t == _BYTE:
        return b[i], i + 1
    if t == _DOUBLE:
        return b[i: i + 8], i + 8
    raise FooterError(f"thrift type {t} not expected in a Parquet footer")


def _struct(b: bytes, i: int) -> tuple[list, int]:
    fields = []
    fid = 0
    while True:
        if i >= len(b):
            raise FooterError("truncated struct")
        h = b[i]
        i += 1
        if h == 0:  # STOP
            return fields, i
        t, delta = h & 0x0F, h >> 4
        if delta:
            fid += delta
        else:
            v, i = _varint(b, i)
            fid = _zigzag(v)
        if t in (_TRUE, _FALSE):
            fields.append([fid, t, t == _TRUE])
        else:
            v, i = _value(b, i, t)
            fields.append([fid, t, v])


def decode(footer: bytes) -> list:
    fields, end = _struct(footer, 0)
    if end != len(footer):
        raise FooterError(f"{len(footer) - end} bytes after the footer")
    return fields


# ---------------------------------------------------------------------------------------------
# encode


def _put_varint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _put_value(out: bytearray, t: int, v) -> None:
    if t in (_I16, _I32, _I64):
        _put_varint(out, (v << 1) ^ (v >> 63))
    elif t == _BINARY:
        _put_varint(out, len(v))
        out += v
    elif t == _STRUCT:
        _put_struct(out, v)
    elif t in (_LIST, _SET):
        et, items = v
        if len(items) < 15:
            out.append(len(items) << 4 | et)
        else:
            out.append(0xF0 | et)
            _put_varint(out, len(items))
        for x in items:
            if et in (_TRUE, _FALSE):
                out.append(x)
            else:
                _put_value(out, et, x)
    elif t == _BYTE:
        out.append(v)
    elif t == _DOUBLE:
        out += v
    else:
        raise FooterError(f"thrift type {t}")


def _put_struct(out: bytearray, fields: list) -> None:
    last = 0
    for fid, t, v in fields:
        if t in (_TRUE, _FALSE):
            t = _TRUE if v else _FALSE
        if 0 < fid - last <= 15:
            out.append((fid - last) << 4 | t)
        else:
            out.append(t)
            _put_varint(out, (fid << 1) ^ (fid >> 63))
        last = fid
        if t not in (_TRUE, _FALSE):
            _put_value(out, t, v)
    out.append(0)


def encode(fields: list) -> bytes:
    out = bytearray()
    _put_struct(out, fields)
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# files


def _get(fields: list, fid: int):
    for f in fields:
        if f[0] == fid:
            return f
    return None


def split(data) -> tuple[list, int]:
    """A whole Parquet file (bytes-like): its decoded footer and where the footer starts."""
    mv = memoryview(data)
    if len(mv) < 12 or bytes(mv[:4]) != _MAGIC or bytes(mv[-4:]) != _MAGIC:
        raise FooterError("not a Parquet file")
    (n,) = struct.unpack("<I", mv[-8:-4])
    start = len(mv) - 8 - n
    if start < 4:
        raise FooterError("footer length beyond the file")
    return decode(bytes(mv[start: len(mv) - 8])), start


def _shift_row_group(rg: list, shift: int, ordinal: int) -> None:
    """Offsets moved by ``shift``; an offset of 0 is one the writer left unset (pyarrow writes the
    deprecated ColumnChunk.file_offset as 0), a real one is never 0 (the file starts with PAR1)."""
    for f in rg:
        if f[0] == RG_FILE_OFFSET and f[2]:
            f[2] += shift
        elif f[0] == RG_ORDINAL:
            f[2] = ordinal
        elif f[0] == RG_COLUMNS:
            for cc in f[2][1]:
                for g in cc:
                    if g[0] in (CC_FILE_OFFSET, CC_OFFSET_INDEX, CC_COLUMN_INDEX) and g[2]:
                        g[2] += shift
                    elif g[0] == CC_META:
                        for h in g[2]:
                            if h[0] in (CMD_DATA_PAGE, CMD_INDEX_PAGE, CMD_DICT_PAGE, CMD_BLOOM) and h[2]:
                                h[2] += shift


class Concatenator:
    """Appends the row groups of whole Parquet files (same schema, same writer options) to one
    open binary file, in the order given; :meth:`finish` writes the footer."""

    def __init__(self, f):
        self.f = f
        self.f.write(_MAGIC)
        self.pos = len(_MAGIC)
        self.footer: list | None = None   # the first file's, the row groups of all of them
        self.row_groups: list = []
        self.rows = 0

    def append(self, data) -> None:
        """``data``: one whole Parquet file written by pyarrow (bytes-like)."""
        fields, start = split(data)
        shift = self.pos - len(_MAGIC)
        rgs = _get(fields, FMD_ROW_GROUPS)
        for rg in (rgs[2][1] if rgs else []):
            _shift_row_group(rg, shift, len(self.row_groups))
            self.row_groups.append(rg)
        n = _get(fields, FMD_NUM_ROWS)
        self.rows += n[2] if n else 0
        if self.footer is None:
            self.footer = fields
        body = memoryview(data)[len(_MAGIC): start]
        self.f.write(body)
        self.pos += len(body)

    def finish(self, key_value: dict[bytes, bytes], empty=None) -> None:
        """The footer: the first file's, with every row group, the total row count and
        ``key_value`` added to its key-value metadata (the footer pyarrow's writer gives the same
        rows in one file, byte for byte, when the row groups were cut alike). ``empty()`` gives a whole file of no rows
        when nothing was appended (its footer is used)."""
        if self.footer is None:
            fields, _ = split(empty())
            self.footer = fields
        footer = []
        for fid, t, v in self.footer:
            if fid == FMD_NUM_ROWS:
                v = self.rows
            elif fid == FMD_ROW_GROUPS:
                v = [_STRUCT, self.row_groups]
            elif fid == FMD_KEY_VALUE:  # before the writer's own (ARROW:schema), as pyarrow orders them
                v = [_STRUCT, [[[1, _BINARY, k], [2, _BINARY, val]] for k, val in key_value.items()] + v[1]]
            footer.append([fid, t, v])
        if _get(footer, FMD_KEY_VALUE) is None and key_value:
            footer.append([FMD_KEY_VALUE, _LIST, [_STRUCT, [[[1, _BINARY, k], [2, _BINARY, val]]
                                                           for k, val in key_value.items()]]])
            footer.sort(key=lambda f: f[0])
        raw = encode(footer)
        self.f.write(raw)
        self.f.write(struct.pack("<I", len(raw)))
        self.f.write(_MAGIC)
