#!/usr/bin/env python3
"""Write each addon's README.rst and static/description/index.html from readme/.

The OCA way (what OCA/maintainer-tools' ``oca-gen-addon-readme`` does, which is
not on the package registry): the fragments ``readme/DESCRIPTION.md``,
``CONFIGURE.md``, ``USAGE.md``, ``HISTORY.md``, ``CONTRIBUTORS.md``, ... are
the source; README.rst is assembled from them and the manifest (badges,
authors), and index.html (the addon's page in Odoo's Apps) is README.rst
rendered by docutils.

Usage::

    python3 scripts/gen_readme.py [ADDON_DIR ...]          # write (default: all)
    python3 scripts/gen_readme.py --check [ADDON_DIR ...]  # diff, exit 1 if stale

Only README.rst needs nothing but the standard library; index.html needs
docutils (pinned in scripts/tools-requirements.txt so its output is stable).
"""

import argparse
import ast
import difflib
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (fragment, section title); DESCRIPTION and CONTEXT come before the contents.
FRAGMENTS_TOP = ("DESCRIPTION", "CONTEXT")
FRAGMENTS = (
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
SUBSECTION_CHARS = '-~^"'
MATURITY_COLORS = {
    "Alpha": "red",
    "Beta": "yellow",
    "Production/Stable": "green",
    "Mature": "brightgreen",
}
LICENSE_URLS = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}
GENERATED_NOTE = (
    "..\n"
    "   Written by scripts/gen_readme.py from the readme/ fragments and the\n"
    "   manifest: edit those and run `make readme`, not this file.\n"
)
HTML_GENERATOR_META = re.compile(r'<meta name="generator"[^>]*>\n?')

# ---------------------------------------------------------------- markdown -> rst
LIST_ITEM = re.compile(r"^(?P<marker>[-*+]|\d+[.)])\s+(?P<text>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
IMAGE_LINE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)\)\s*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")
HTML_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?=\s|$|[.,;:)])")


class MarkdownError(ValueError):
    """A construct of the fragment this converter does not handle."""


def inline_to_rst(text):
    """Inline markdown (code, links, bold, italic) as reStructuredText."""
    parts = []
    pos = 0
    for match in CODE_SPAN.finditer(text):
        parts.append(_plain_inline(text[pos : match.start()]))
        parts.append("``%s``" % match.group(2).strip())
        pos = match.end()
    parts.append(_plain_inline(text[pos:]))
    return "".join(parts)


def _plain_inline(text):
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = TRAILING_UNDERSCORE.sub(r"\\_", text)
    return LINK.sub(lambda m: "`%s <%s>`__" % (m.group("text"), m.group("url")), text)


def _take_block(lines, start, belongs):
    """Lines from ``start`` while ``belongs(line)``; returns (block, next index)."""
    end = start
    while end < len(lines) and belongs(lines[end]):
        end += 1
    return lines[start:end], end


def _list_item_lines(lines, start):
    """The first line of a list item and its indented continuation lines."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line.startswith(" "):
            break
        if not line.strip():
            nxt = next((x for x in lines[end + 1 :] if x.strip()), "")
            if not nxt.startswith(" "):
                break
        end += 1
    return lines[start:end], end


def _dedent(lines):
    width = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
    return [x[width:] for x in lines]


def md_to_rst(text, image_src=lambda src: src, heading_chars=SUBSECTION_CHARS):
    """Markdown fragment -> reStructuredText (the subset readme fragments use).

    Headings map from the fragment's highest level down onto ``heading_chars``;
    ``image_src`` rewrites image paths (README.rst and index.html differ).
    """
    lines = text.expandtabs(4).splitlines()
    levels = sorted({len(m.group("hashes")) for m in map(HEADING.match, lines) if m})
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or HTML_COMMENT.match(line):
            i += 1
        elif line.lstrip().startswith("```"):
            end = next(
                (j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"),
                None,
            )
            if end is None:
                raise MarkdownError("unclosed ``` block at line %d" % (i + 1))
            body = ["   " + x if x.strip() else "" for x in _dedent(lines[i + 1 : end])]
            blocks.append("::\n\n" + "\n".join(body))
            i = end + 1
        elif HEADING.match(line):
            match = HEADING.match(line)
            level = levels.index(len(match.group("hashes")))
            if level >= len(heading_chars):
                raise MarkdownError("heading too deep: %r" % line)
            title = inline_to_rst(match.group("text"))
            blocks.append("%s\n%s" % (title, heading_chars[level] * len(title)))
            i += 1
        elif IMAGE_LINE.match(line):
            match = IMAGE_LINE.match(line)
            src = image_src(match.group("src"))
            blocks.append(".. image:: %s\n   :alt: %s" % (src, match.group("alt")))
            i += 1
        elif LIST_ITEM.match(line):
            items = []
            bullet = _is_bullet(line)
            while (
                i < len(lines)
                and LIST_ITEM.match(lines[i])
                and _is_bullet(lines[i]) == bullet
            ):
                item, i = _list_item_lines(lines, i)
                items.append(_list_item_to_rst(item, image_src, heading_chars))
                while i < len(lines) and not lines[i].strip():
                    i += 1
            blocks.append("\n".join(items))
        elif line.startswith("|") or line.startswith("<"):
            raise MarkdownError("tables and raw HTML are not supported: %r" % line)
        else:
            para, i = _take_block(
                lines,
                i,
                lambda x: (
                    x.strip()
                    and not LIST_ITEM.match(x)
                    and not HEADING.match(x)
                    and not x.lstrip().startswith("```")
                ),
            )
            blocks.append(inline_to_rst("\n".join(x.strip() for x in para)))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _is_bullet(line):
    return LIST_ITEM.match(line).group("marker") in "-*+"


def _list_item_to_rst(item_lines, image_src, heading_chars):
    match = LIST_ITEM.match(item_lines[0])
    marker = match.group("marker")
    marker = "-" if marker in "-*+" else marker.rstrip(".)") + "."
    body = [match.group("text")] + _dedent(item_lines[1:])
    rst = md_to_rst("\n".join(body), image_src, heading_chars).rstrip("\n")
    pad = " " * (len(marker) + 1)
    out = []
    for n, line in enumerate(rst.split("\n")):
        if n == 0:
            out.append("%s %s" % (marker, line))
        else:
            out.append(pad + line if line else "")
    return "\n".join(out)


# ---------------------------------------------------------------- README.rst
def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text("utf-8"))


def _title(text, char, overline=False):
    bar = char * len(text)
    return "%s\n%s\n%s" % (bar, text, bar) if overline else "%s\n%s" % (text, bar)


def _badges(manifest):
    status = manifest.get("development_status", "Beta")
    lic = manifest.get("license", "LGPL-3")
    lic_badge = lic.replace("-", "--")
    lines = [
        "|badge1| |badge2|",
        "",
        ".. |badge1| image:: https://img.shields.io/badge/maturity-%s-%s.png"
        % (status.replace("/", "%2F"), MATURITY_COLORS.get(status, "lightgrey")),
        "    :alt: %s" % status,
        ".. |badge2| image:: https://img.shields.io/badge/licence-%s-blue.png"
        % lic_badge,
    ]
    if lic in LICENSE_URLS:
        lines.append("    :target: %s" % LICENSE_URLS[lic])
    lines.append("    :alt: License: %s" % lic)
    return "\n".join(lines)


def _fragment(addon_dir, name):
    path = addon_dir / "readme" / ("%s.md" % name)
    return path.read_text("utf-8") if path.exists() else ""


def readme_rst(addon_dir, image_src=None):
    """The README.rst of ``addon_dir``; ``image_src`` maps fragment image paths."""
    manifest = read_manifest(addon_dir)

    def convert(name, chars=SUBSECTION_CHARS):
        return md_to_rst(_fragment(addon_dir, name), image_src or _readme_src, chars)

    parts = [
        _title(manifest["name"], "=", overline=True),
        GENERATED_NOTE.rstrip("\n"),
        _badges(manifest),
    ]
    parts += [convert(n).rstrip("\n") for n in FRAGMENTS_TOP if _fragment(addon_dir, n)]
    parts.append("**Table of contents**\n\n.. contents::\n   :local:")
    for name, title in FRAGMENTS:
        if _fragment(addon_dir, name).strip():
            parts += [_title(title, "="), convert(name).rstrip("\n")]
    website = manifest.get("website", "").rstrip("/")
    if website:
        parts += [
            _title("Bug Tracker", "="),
            "Bugs are tracked on `the issue tracker <%s/issues>`__.\n"
            "In case of trouble, please check there if your issue has already\n"
            "been reported." % website,
        ]
    parts += [_title("Credits", "="), _title("Authors", "-")]
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    parts.append("\n".join("- %s" % inline_to_rst(a) for a in authors))
    sub = SUBSECTION_CHARS[1:]
    for name, title in (("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits")):
        if _fragment(addon_dir, name).strip():
            parts += [_title(title, "-"), convert(name, sub).rstrip("\n")]
    maintainers = manifest.get("maintainers") or []
    if maintainers:
        parts += [
            _title("Maintainers", "-"),
            "Current maintainers: %s" % ", ".join("``%s``" % m for m in maintainers),
        ]
    return "\n\n".join(parts) + "\n"


def _readme_src(src):
    """Fragment image path (relative to readme/) -> path relative to the addon."""
    return src[3:] if src.startswith("../") else src


def _html_src(src):
    """Odoo's Apps page prefixes a bare file name with /<addon>/static/description/."""
    src = _readme_src(src)
    prefix = "static/description/"
    return src[len(prefix) :] if src.startswith(prefix) else src


# ---------------------------------------------------------------- index.html
def index_html(addon_dir):
    """README.rst rendered to HTML by docutils; any docutils warning is an error."""
    from docutils.core import publish_string
    from docutils.writers.html5_polyglot import Writer

    rst = readme_rst(addon_dir, image_src=_html_src)
    html = publish_string(
        source=rst,
        writer=Writer(),
        settings_overrides={
            "_disable_config": True,
            "report_level": 2,
            "halt_level": 2,
            "output_encoding": "unicode",
            "embed_stylesheet": True,
            "syntax_highlight": "none",
            "traceback": True,
        },
    )
    style = "<style>img { max-width: 100%; }</style>\n"
    html = html.replace("</head>", style + "</head>", 1)
    return HTML_GENERATOR_META.sub("", html)


# ---------------------------------------------------------------- command line
def outputs(addon_dir, with_html=True):
    """{path: expected text} of the generated files of an addon."""
    result = {addon_dir / "README.rst": readme_rst(addon_dir)}
    if with_html:
        result[addon_dir / "static" / "description" / "index.html"] = index_html(
            addon_dir
        )
    return result


def addon_dirs(root=REPO):
    return sorted(p.parent for p in root.glob("*/__manifest__.py"))


def stale(expected):
    """Unified diffs of the files whose content differs from ``expected``."""
    diffs = []
    for path, text in expected.items():
        current = path.read_text("utf-8") if path.exists() else ""
        if current != text:
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        current.splitlines(True),
                        text.splitlines(True),
                        "%s (committed)" % path,
                        "%s (generated)" % path,
                    )
                )
                or "%s differs\n" % path
            )
    return diffs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addons", nargs="*", type=Path, help="addon folders")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1, with a diff, if stale",
    )
    parser.add_argument(
        "--no-html", action="store_true", help="README.rst only (no docutils needed)"
    )
    args = parser.parse_args(argv)
    addons = [p.resolve() for p in args.addons] or addon_dirs()
    expected = {}
    for addon in addons:
        try:
            expected.update(outputs(addon, with_html=not args.no_html))
        except MarkdownError as exc:
            print("%s: %s" % (addon.name, exc), file=sys.stderr)
            return 2
    if args.check:
        diffs = stale(expected)
        for diff in diffs:
            sys.stdout.write(diff)
        if diffs:
            print(
                "gen_readme: %d generated file(s) are stale: run `make readme`"
                % len(diffs),
                file=sys.stderr,
            )
            return 1
        print("gen_readme: %d generated file(s) up to date" % len(expected))
        return 0
    for path, text in expected.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            print("gen_readme: wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
