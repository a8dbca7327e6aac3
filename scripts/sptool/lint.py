"""`make lint`: ruff and pylint-odoo (OCA mandatory checks) from a small venv of
their own (var/venv-lint), so that a fresh machine lints like CI does."""

import shutil
import sys

from .layout import REPO, VAR, repo_addons
from .output import Failure, capture, run, say, step

LINTERS = ("ruff==0.17.6", "pylint-odoo==10.0.12")


def lint_python():
    venv = VAR / "venv-lint"
    python = venv / "bin" / "python"
    stamp = venv / "linters.txt"
    if python.exists() and stamp.is_file() and stamp.read_text() == "\n".join(LINTERS):
        return python
    step(f"installing {', '.join(LINTERS)} into {venv.relative_to(REPO)}")
    shutil.rmtree(venv, ignore_errors=True)
    run([shutil.which("python3") or sys.executable, "-m", "venv", venv])
    code, out, err = capture(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *LINTERS],
        timeout=900,
    )
    if code:
        raise Failure("could not install the linters:\n" + (err or out)[-2000:])
    stamp.write_text("\n".join(LINTERS))
    return python


def cmd_lint(_argv):
    python = lint_python()
    bindir = python.parent
    failed = False
    step("ruff check .")
    failed |= (
        run(
            [bindir / "ruff", "check", "--output-format=concise", "."],
            check=False,
            cwd=REPO,
        ).returncode
        != 0
    )
    step("ruff format --check .")
    failed |= (
        run(
            [bindir / "ruff", "format", "--check", "."], check=False, cwd=REPO
        ).returncode
        != 0
    )
    addons = repo_addons()
    step(f"pylint --load-plugins=pylint_odoo {' '.join(addons)}")
    failed |= (
        run(
            [
                bindir / "pylint",
                "--rcfile=.pylintrc",
                "--load-plugins=pylint_odoo",
                *addons,
            ],
            check=False,
            cwd=REPO,
        ).returncode
        != 0
    )
    say("lint: " + ("FAILED" if failed else "clean"))
    return 1 if failed else 0
