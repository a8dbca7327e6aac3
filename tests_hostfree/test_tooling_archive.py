"""The bootstrap's archive checks: what is refused, and that nothing is left behind."""

import errno
import gzip
import io
import tarfile

import pytest
from sptool import archive

RELEASE_18 = "version_info = (18, 0, 0, FINAL, 0, '')\n"


def make_archive(path, files, top="odoo-18.0"):
    """A .tar.gz holding ``files`` ({relative path: text}) under ``top``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def good(tmp_path):
    return make_archive(
        tmp_path / "good.tar.gz",
        {"odoo-bin": "#!/usr/bin/env python3\n", "odoo/release.py": RELEASE_18},
    )


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_good_archive_is_extracted_into_place(good, tmp_path):
    dest = tmp_path / "host" / "src"
    archive.extract(good, dest)
    assert (dest / "odoo-bin").is_file()
    assert (dest / "odoo" / "release.py").read_text() == RELEASE_18
    assert leftovers(dest.parent) == []


def test_missing_archive(tmp_path):
    with pytest.raises(archive.ArchiveError, match="does not exist"):
        archive.extract(tmp_path / "nope.tar.gz", tmp_path / "src")


def test_not_gzip(tmp_path):
    bad = tmp_path / "page.tar.gz"
    bad.write_text("<html>404 Not Found</html>")
    with pytest.raises(archive.ArchiveError, match="not a gzip archive"):
        archive.extract(bad, tmp_path / "src")
    assert not (tmp_path / "src").exists()


def test_truncated_archive_leaves_nothing(good, tmp_path):
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(good.read_bytes()[:-40])
    host = tmp_path / "host"
    with pytest.raises(archive.ArchiveError, match="corrupt or truncated"):
        archive.extract(truncated, host / "src")
    assert not (host / "src").exists()
    assert leftovers(host) == []


def test_corrupt_gzip(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(gzip.compress(b"x" * 100)[:12] + b"garbage" * 20)
    with pytest.raises(archive.ArchiveError, match="corrupt or truncated"):
        archive.extract(bad, tmp_path / "src")


def test_not_18(tmp_path):
    old = make_archive(
        tmp_path / "old.tar.gz",
        {"odoo-bin": "", "odoo/release.py": "version_info = (17, 0, 0, FINAL, 0, '')"},
    )
    with pytest.raises(archive.ArchiveError, match="Odoo 17.0, not 18.0"):
        archive.extract(old, tmp_path / "host" / "src")
    assert leftovers(tmp_path / "host") == []
    assert not (tmp_path / "host" / "src").exists()


def test_no_odoo_bin(tmp_path):
    bare = make_archive(tmp_path / "bare.tar.gz", {"odoo/release.py": RELEASE_18})
    with pytest.raises(archive.ArchiveError, match="no odoo-bin"):
        archive.extract(bare, tmp_path / "src")


def test_no_release_file(tmp_path):
    bare = make_archive(tmp_path / "bare.tar.gz", {"odoo-bin": ""})
    with pytest.raises(archive.ArchiveError, match="no odoo/release.py"):
        archive.extract(bare, tmp_path / "src")


def test_several_top_folders(tmp_path):
    flat = make_archive(
        tmp_path / "flat.tar.gz",
        {"odoo-bin": "", "odoo/release.py": RELEASE_18},
        top="",
    )
    with pytest.raises(archive.ArchiveError, match="one top folder"):
        archive.extract(flat, tmp_path / "src")


def test_path_escaping_the_folder_is_refused(tmp_path):
    evil = make_archive(
        tmp_path / "evil.tar.gz",
        {"odoo-bin": "", "odoo/release.py": RELEASE_18, "../../escape": "x"},
    )
    with pytest.raises(archive.ArchiveError, match="unsafe path"):
        archive.extract(evil, tmp_path / "host" / "src")
    assert not (tmp_path / "escape").exists()


def test_disk_full_leaves_nothing(good, tmp_path, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "extractall", full)
    host = tmp_path / "host"
    with pytest.raises(archive.ArchiveError, match="disk is full"):
        archive.extract(good, host / "src")
    assert not (host / "src").exists()
    assert leftovers(host) == []


def test_unreachable_url(tmp_path):
    with pytest.raises(archive.ArchiveError, match="Cannot download"):
        archive.download("http://127.0.0.1:9/odoo.tar.gz", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_parse_release():
    assert archive.parse_release(RELEASE_18) == (18, 0)
    assert archive.parse_release("version_info = ( 17 , 2, 0)") == (17, 2)
    assert archive.parse_release("nothing here") is None


def test_local_path_and_url():
    assert archive.local_path("/a/b.tar.gz").as_posix() == "/a/b.tar.gz"
    assert archive.local_path("file:///a/b%20c.tar.gz").as_posix() == "/a/b c.tar.gz"
    assert archive.local_path("https://example.invalid/x.tar.gz") is None
    assert archive.is_url("https://example.invalid/x.tar.gz")
    assert not archive.is_url("/tmp/x.tar.gz")


def test_sha_is_remembered_until_the_file_changes(good, tmp_path):
    memo = tmp_path / "memo.json"
    first = archive.cached_sha256(good, memo)
    assert first == archive.sha256_of(good)
    assert archive.cached_sha256(good, memo) == first
    good.write_bytes(good.read_bytes() + b"\0")
    assert archive.cached_sha256(good, memo) != first
