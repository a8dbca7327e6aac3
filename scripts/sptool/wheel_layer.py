"""The wheel layer (`make test-wheel`, CI): the addons as a user installs them.

1. one wheel per repository addon, built by whool from the committed files
   (``pip wheel --no-deps``) into var/dist/;
2. an overlay virtualenv, var/venv-wheel/, on the host's virtualenv: it sees
   Odoo, its requirements and the OCA addons installed there (a ``.pth`` that
   adds the host's site-packages), and installs into its own site-packages, so
   the shared host venv, which is on every normal run's addons path, never holds
   a second copy of the addons;
3. ``pip install`` of the wheels with their dependencies: pip must find
   ``odoo==18.0.*`` (the host installs Odoo as the distribution ``odoo``) and the
   OCA addons the manifests depend on (``odoo-addon-helpdesk_mgmt``...);
4. a test database from the template cache, then the addons installed on an
   addons path that holds Odoo's own folders and site-packages only, never the
   checkout; Odoo must load each addon from the overlay's site-packages;
5. pytest-odoo on the installed copies' tests/, run from a temporary folder.
"""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from .discovery import probe
from .layers import prepare_test_db, run_layer
from .layout import REPO, VAR, repo_addons
from .output import Failure, capture, run, say, step

WHEEL_VENV = VAR / "venv-wheel"
DIST = VAR / "dist"
BUILD_TOOLS = ("whool==1.3.1", "wheel")
OVERLAY_PTH = "_serial_procurement_host.pth"


def purelib(python):
    code, out, err = capture(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    )
    if code:
        raise Failure(f"{python}: no site-packages ({err.strip()})")
    return Path(out.strip())


def pip(python, *args, quiet=True):
    cmd = [python, "-m", "pip", "--disable-pip-version-check", *args]
    if quiet:
        cmd.insert(4, "-q")
    say("    " + shlex.join(map(str, cmd)))
    run(cmd)


def ensure_overlay(odoo):
    """var/venv-wheel: a venv whose python also sees the host's site-packages."""
    python = WHEEL_VENV / "bin" / "python"
    host_site = purelib(odoo.python)
    line = f"import site; site.addsitedir({str(host_site)!r})\n"
    if python.exists():
        pth = purelib(python) / OVERLAY_PTH
        if pth.is_file() and pth.read_text() == line:
            return str(python)
        shutil.rmtree(WHEEL_VENV)
    step(f"overlay virtualenv {WHEEL_VENV.relative_to(REPO)} on {host_site}")
    run([odoo.python, "-m", "venv", WHEEL_VENV])
    (purelib(python) / OVERLAY_PTH).write_text(line)
    pip(python, "install", *BUILD_TOOLS)
    return str(python)


def build_wheels(python, addons):
    """One wheel per addon into var/dist/ (whool: committed files only)."""
    shutil.rmtree(DIST, ignore_errors=True)
    DIST.mkdir(parents=True)
    for addon in (REPO / name for name in addons):
        step(f"building the wheel of {addon.name} (whool)")
        pip(python, "wheel", "--no-deps", "--no-build-isolation", "-w", DIST, addon)
    wheels = sorted(DIST.glob("*.whl"))
    for wheel in wheels:
        say(f"    built {wheel.name} ({wheel.stat().st_size // 1024} KiB)")
    if len(wheels) != len(addons):
        raise Failure(f"{len(addons)} addons but {len(wheels)} wheels in {DIST}")
    return wheels


def install_wheels(python, wheels):
    """pip install the wheels with their dependencies (a reinstall each run)."""
    step("pip install the wheels, dependencies resolved by pip")
    names = [w.name.split("-")[0] for w in wheels]
    run(
        [python, "-m", "pip", "uninstall", "-y", "-q", *names],
        check=False,
        capture_output=True,
    )
    cmd = [python, "-m", "pip", "--disable-pip-version-check", "install", *wheels]
    say("    " + shlex.join(map(str, cmd)))
    code, out, err = capture(cmd)
    # The wheels and their direct requirements (not the requirements of Odoo's).
    for line in out.splitlines():
        if line.strip() and "->" not in line and not line.startswith("Looking in"):
            say("    | " + line)
    if code:
        raise Failure(f"pip could not install the wheels:\n{err.strip()}")
    pip(python, "check", quiet=False)


def overlay_odoo(python):
    found = probe(python, None, "wheel overlay")
    if isinstance(found, str):
        raise Failure(found)
    return found


def addons_path_without_checkout(odoo):
    paths = odoo.addons_paths(with_repo=False)
    repo = str(REPO.resolve())
    leaked = [p for p in paths if Path(p).resolve() == Path(repo)]
    if leaked:
        raise Failure(f"the checkout {repo} is on the wheel layer's addons path")
    return ",".join(paths)


def installed_addon_dirs(odoo, addons):
    """Where ``import odoo.addons.<addon>`` finds each addon: the overlay's copy."""
    code = (
        "import importlib.util as u, json, sys; print(json.dumps(["
        "u.find_spec('odoo.addons.' + a).submodule_search_locations[0] "
        "for a in sys.argv[1:]]))"
    )
    rc, out, err = capture([odoo.python, "-c", code, *addons], cwd="/")
    if rc:
        raise Failure(f"the installed addons do not import: {err.strip()}")
    dirs = [Path(p) for p in json.loads(out.strip().splitlines()[-1])]
    overlay = purelib(odoo.python).resolve()
    for addon, path in zip(addons, dirs, strict=True):
        say(f"    {addon} is loaded from {path}")
        if overlay not in path.resolve().parents:
            raise Failure(f"{addon} is loaded from {path}, not from the wheel")
    return dirs


def run_installed_tests(odoo, db, dirs, addons_path, junit, tmp):
    tests = [str(d / "tests") for d in dirs if (d / "tests").is_dir()]
    cmd = [
        odoo.python,
        "-m",
        "pytest",
        "-p",
        "odoo",
        "-p",
        "no:cacheprovider",
        *tests,
        f"--odoo-database={db}",
        f"--odoo-addons-path={addons_path}",
        "--odoo-http",
        f"--odoo-extra=db-filter=^{db}$",
        "-q",
        "-rs",
        f"--junitxml={junit}",
    ]
    step("running the installed addons' tests with pytest-odoo (HTTP included)")
    say("    " + shlex.join(map(str, cmd)))
    # From a temporary folder: nothing of the checkout is importable from cwd.
    return subprocess.run(cmd, cwd=tmp, env=odoo.env()).returncode


def layer_wheel(odoo, tmp):
    """Build, install and test the addons from their wheels; (rc, counts, junit)."""
    addons = repo_addons()
    step(f"wheel layer: {', '.join(addons)} built, installed and tested as wheels")
    db = f"sp_test_wheel_{os.getpid()}"

    def body():
        python = ensure_overlay(odoo)
        install_wheels(python, build_wheels(python, addons))
        wheel_odoo = overlay_odoo(python)
        addons_path = addons_path_without_checkout(wheel_odoo)
        say(f"    addons path (no checkout): {addons_path}")
        prepare_test_db(wheel_odoo, db, addons, addons_path)
        dirs = installed_addon_dirs(wheel_odoo, addons)
        junit = Path(tmp) / "wheel.xml"
        return run_installed_tests(wheel_odoo, db, dirs, addons_path, junit, tmp), junit

    return run_layer(db, body, "!! pytest collected no test from the installed wheels.")
