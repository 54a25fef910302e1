"""Reading drafts people actually have: UTF-8 (with or without BOM), UTF-16/32 with BOM,
GB18030 (which includes GBK and GB2312), or an encoding the user names (``--encoding``).

Without ``--encoding``: a byte-order mark decides; otherwise UTF-8 is tried, then GB18030.
Line breaks read as ``\\n`` (as Python's text mode does), so offsets and line numbers
count characters of the text as the user's editor shows it.  ``Decoded`` remembers the
encoding and BOM so ``--fix --write`` can write the file back the way it came.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from .errors import InputError

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FALLBACKS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name
    bom: bytes = b""

    def encode(self, text: str, where: str) -> bytes:
        """``text`` in this file's encoding (with its BOM)."""
        try:
            return self.bom + text.encode(self.encoding)
        except UnicodeEncodeError:
            raise InputError(f"{where}: 修改后的文字无法用 {self.encoding} 编码写回") from None


def check_encoding(name: str | None) -> str | None:
    """A user's ``--encoding`` as a codec name, or a one-line error."""
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(f"未知的编码：{name}（可用 utf-8、gb18030、gbk、utf-16 等）") from None


def decode(data: bytes, where: str, encoding: str | None = None) -> Decoded:
    """Bytes of a draft → text, by ``encoding`` or by BOM, then UTF-8, then GB18030."""
    if encoding is not None:
        codec, bom = check_encoding(encoding), b""
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):  # utf-16/utf-32 handle their own mark
            bom, data = codecs.BOM_UTF8, data[len(codecs.BOM_UTF8):]
        try:
            return Decoded(_newlines(data.decode(codec)), codec, bom)
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: 不是 {encoding} 编码的文本（第{exc.start + 1}个字节）") from None
    for mark, name in _BOMS:
        if data.startswith(mark):
            try:
                return Decoded(_newlines(data[len(mark):].decode(name)), name, mark)
            except UnicodeDecodeError:
                raise InputError(f"{where}: 文件开头标着 {name.upper()}，内容却不是 {name.upper()} 文本") from None
    for name in FALLBACKS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # UTF-16 without a BOM, or a binary file: decoded, but not text
        return Decoded(_newlines(text), name)
    raise InputError(f"{where}: 不是文本文件，或者编码认不出来（试过 UTF-8、GB18030；可以用 --encoding 指定）")


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
