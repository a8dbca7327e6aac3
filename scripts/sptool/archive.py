"""Checking and extracting an Odoo 18.0 source archive, never leaving half of it.

An archive is accepted when it is a gzip'd tar laid out like the official
``odoo/odoo`` 18.0 branch archive: one top folder holding ``odoo-bin`` and
``odoo/release.py`` whose ``version_info`` starts with ``(18, 0``.
"""

import errno
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

from .output import Failure

DEFAULT_ARCHIVE = "https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz"
GZIP_MAGIC = b"\x1f\x8b"
VERSION_RE = re.compile(r"^version_info\s*=\s*\(\s*(\d+)\s*,\s*(\d+)", re.MULTILINE)


class ArchiveError(Failure):
    """The archive cannot be used; the message says why and what to do."""


def is_url(source):
    return urllib.parse.urlparse(str(source)).scheme in ("http", "https", "ftp")


def local_path(source):
    """A local path for a path or file:// URL; None for a remote URL."""
    parsed = urllib.parse.urlparse(str(source))
    if parsed.scheme == "file":
        return Path(urllib.parse.unquote(parsed.path))
    if parsed.scheme in ("", None) or len(parsed.scheme) == 1:  # C:\ on Windows
        return Path(source).expanduser()
    return None


def sha256_of(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_sha256(path, memo_file):
    """sha256 of ``path``, remembered by (path, size, mtime): a repeat is free."""
    stat = Path(path).stat()
    key = f"{Path(path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    try:
        memo = json.loads(Path(memo_file).read_text())
    except (OSError, ValueError):
        memo = {}
    if key not in memo:
        memo[key] = sha256_of(path)
        Path(memo_file).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(f"{memo_file}.{os.getpid()}")
        tmp.write_text(json.dumps(memo, indent=1))
        tmp.replace(memo_file)
    return memo[key]


def download(url, dest_dir):
    """Download ``url`` into ``dest_dir`` (atomically); return the file's path."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(url.encode()).hexdigest()[:16] + ".tar.gz"
    target = dest_dir / name
    if target.is_file():
        return target
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=dest_dir)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as rsp:
            shutil.copyfileobj(rsp, out, 1 << 20)
        os.replace(tmp, target)
    except OSError as exc:  # URLError and HTTPError are OSErrors
        Path(tmp).unlink(missing_ok=True)
        raise ArchiveError(
            f"Cannot download the Odoo archive {url}: {exc}.\n"
            "Set ODOO_ARCHIVE to a local copy (a path or file:// URL), or point at an "
            "existing Odoo 18 (ODOO_SRC, ODOO_BIN, ~/.odoorc)."
        ) from exc
    return target


def check_gzip(path):
    """Refuse what is not a readable gzip file, before any extraction."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"The Odoo archive {path} does not exist (ODOO_ARCHIVE).")
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if magic != GZIP_MAGIC:
        raise ArchiveError(
            f"{path} is not a gzip archive (it starts with {magic!r}): "
            "ODOO_ARCHIVE must "
            "name an Odoo 18.0 source .tar.gz, like the official 18.0 branch archive."
        )


def parse_release(text):
    """(major, minor) from the text of odoo/release.py, or None."""
    match = VERSION_RE.search(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _safe_members(tar, top_holder):
    for member in tar:
        name = member.name
        parts = Path(name).parts
        if name.startswith("/") or ".." in parts:
            raise ArchiveError(f"unsafe path in the archive: {name!r}")
        if member.issym() or member.islnk():
            target = Path(os.path.normpath(Path(name).parent / member.linkname))
            if member.linkname.startswith("/") or ".." in target.parts[:1]:
                raise ArchiveError(f"unsafe link in the archive: {name!r}")
        if parts:
            top_holder.add(parts[0])
        yield member


def extract(path, dest):
    """Extract ``path`` to ``dest`` (which must not exist) through a temporary folder
    beside it, check the result, then rename it into place. Returns ``dest``.

    On any error (corrupt or truncated gzip, wrong layout, not 18.0, disk full)
    the temporary folder is removed and ``dest`` is not created."""
    path, dest = Path(path), Path(dest)
    check_gzip(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        tops = set()
        with tarfile.open(path, "r:gz") as tar:
            kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp, members=_safe_members(tar, tops), **kwargs)
        source = check_tree(tmp, tops, path)
        source.rename(dest)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise ArchiveError(
            f"{path} is corrupt or truncated ({exc.__class__.__name__}: {exc}); "
            "download it again or point ODOO_ARCHIVE at a good copy."
        ) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ArchiveError(
                f"The disk is full while extracting {path} into {dest.parent} "
                "(Odoo 18 needs about 250 MB, its virtualenv about 400 MB more). "
                "Nothing was left behind; free some space and run again."
            ) from exc
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def check_tree(tmp, tops, path):
    """The extracted source folder, once it proves to be Odoo 18.0."""
    if len(tops) != 1:
        raise ArchiveError(
            f"{path} does not have one top folder (found: {sorted(tops)[:5]}); it must "
            "be laid out like the official odoo/odoo 18.0 branch archive."
        )
    source = Path(tmp) / tops.pop()
    if not (source / "odoo-bin").is_file():
        raise ArchiveError(f"{path} holds no odoo-bin: not an Odoo source archive.")
    release = source / "odoo" / "release.py"
    if not release.is_file():
        raise ArchiveError(
            f"{path} holds no odoo/release.py: not an Odoo source archive."
        )
    version = parse_release(release.read_text(errors="replace"))
    if version != (18, 0):
        shown = ".".join(map(str, version)) if version else "unknown"
        raise ArchiveError(
            f"{path} is Odoo {shown}, not 18.0: serial_procurement needs Odoo 18.0."
        )
    return source
