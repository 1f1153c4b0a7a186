"""OLE compound files (.xls, and encrypted OOXML workbooks, which are a compound file holding
an EncryptedPackage stream): is the file encrypted?"""

from __future__ import annotations

import struct
from pathlib import Path

MiB = 1024**2

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_ENCRYPTED_NAMES = {"EncryptedPackage", "EncryptionInfo"}


def ole_is_encrypted(p: Path) -> bool:
    """True when the compound file's directory names an EncryptedPackage or EncryptionInfo
    stream (an encrypted OOXML workbook; a password-protected .xls is reported by the engine).
    The directory is followed through the FAT (it can sit anywhere in the file); any
    inconsistency falls back to scanning the first MiB."""
    try:
        names = _ole_names(p)
    except (OSError, ValueError, struct.error, IndexError):
        with p.open("rb") as fh:
            return b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in fh.read(MiB)
    return bool(_ENCRYPTED_NAMES & names)


def _ole_names(p: Path) -> set[str]:
    with p.open("rb") as fh:
        header = fh.read(512)
        if len(header) < 512:
            raise ValueError("short")
        shift = struct.unpack("<H", header[30:32])[0]
        if shift not in (9, 12):
            raise ValueError("sector size")
        size = 1 << shift
        n_fat, first_dir = struct.unpack("<II", header[44:52])
        first_difat, n_difat = struct.unpack("<II", header[68:76])
        fat_sectors = [s for s in struct.unpack("<109I", header[76:512]) if s not in (_FREE, _END)]
        seen = 0
        while first_difat not in (_FREE, _END) and seen < n_difat and seen < 10_000:
            fh.seek((first_difat + 1) * size)
            block = struct.unpack(f"<{size // 4}I", fh.read(size))
            fat_sectors += [s for s in block[:-1] if s not in (_FREE, _END)]
            first_difat = block[-1]
            seen += 1
        fat_sectors = fat_sectors[: max(n_fat, 0)]

        def fat_entry(sector: int) -> int:
            per = size // 4
            fh.seek((fat_sectors[sector // per] + 1) * size + (sector % per) * 4)
            return struct.unpack("<I", fh.read(4))[0]

        names: set[str] = set()
        sector, hops = first_dir, 0
        while sector not in (_FREE, _END) and hops < 100_000:
            fh.seek((sector + 1) * size)
            block = fh.read(size)
            for k in range(0, len(block) - 127, 128):
                length = struct.unpack("<H", block[k + 64:k + 66])[0]
                if 2 <= length <= 64:
                    names.add(block[k:k + length - 2].decode("utf-16-le", errors="replace"))
            sector = fat_entry(sector)
            hops += 1
        return names
