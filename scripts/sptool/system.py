"""System parts of the host: PostgreSQL running with a role for this user, build
headers for Odoo's requirements, wkhtmltopdf (PDF reports) and chromium (tours).

Where the user is root on Debian/Ubuntu the missing packages are installed with
apt; elsewhere the exact command to run is printed and the command stops.
"""

import getpass
import os
import shlex
import shutil
import time
from pathlib import Path

from .output import Failure, Timer, capture, run, step

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def has_command(*names):
    return lambda: any(shutil.which(name) for name in names)


def has_file(path):
    return lambda: Path(path).is_file()


# (group, what, Debian package, check): check() is true when the part is present.
# "build": headers Odoo's requirements compile against (bootstrap only);
# "server": what `make run` needs; "test": what the test layers need on top.
PARTS = (
    (
        "server",
        "PostgreSQL server",
        "postgresql",
        has_command("pg_lsclusters", "pg_ctl"),
    ),
    ("server", "PostgreSQL client", "postgresql-client", has_command("psql")),
    ("build", "libpq headers (psycopg2)", "libpq-dev", has_command("pg_config")),
    (
        "build",
        "LDAP headers (python-ldap)",
        "libldap2-dev",
        has_file("/usr/include/ldap.h"),
    ),
    (
        "build",
        "SASL headers (python-ldap)",
        "libsasl2-dev",
        has_file("/usr/include/sasl/sasl.h"),
    ),
    ("server", "wkhtmltopdf (PDF reports)", "wkhtmltopdf", has_command("wkhtmltopdf")),
    ("test", "chromium (browser tours)", "chromium", has_command(*BROWSERS)),
)


def missing_parts(groups, parts=PARTS):
    return [
        (what, package)
        for group, what, package, present in parts
        if group in groups and not present()
    ]


def can_apt():
    return (
        os.geteuid() == 0
        and bool(shutil.which("apt-get"))
        and bool(shutil.which("dpkg"))
    )


def apt_install(packages):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if run(cmd, check=False, env=env, capture_output=True).returncode == 0:
        return
    step("apt-get update (package lists are missing or stale)")
    run(["apt-get", "update", "-q"], env=env, capture_output=True)
    proc = run(cmd, check=False, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise Failure(
            f"apt-get could not install {' '.join(packages)}:\n"
            + "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        )


def ensure_system_packages(groups=("server",)):
    """Install what is missing (root on Debian/Ubuntu) or say exactly what to run."""
    missing = missing_parts(groups)
    if not missing:
        return 0.0
    packages = [package for _what, package in missing]
    listing = ", ".join(what for what, _package in missing)
    if not can_apt():
        raise Failure(
            f"Missing system parts: {listing}.\nInstall them, then run again:\n"
            f"    sudo apt-get install {' '.join(packages)}\n"
            "(on another system, install the equivalent packages)."
        )
    step(f"installing system packages with apt: {' '.join(packages)}")
    with Timer("system packages") as timer:
        apt_install(packages)
    still = missing_parts(groups)
    if still:
        raise Failure(
            "Still missing after apt-get: " + ", ".join(what for what, _p in still)
        )
    return timer.seconds


# ------------------------------------------------------------------ PostgreSQL


def psql(sql, db="postgres"):
    code, out, err = capture(["psql", "-X", "-At", "-d", db, "-c", sql], timeout=120)
    return code, out.strip(), err.strip()


def current_user():
    return os.environ.get("USER") or getpass.getuser()


def start_clusters():
    if not shutil.which("pg_lsclusters"):
        return
    _code, out, _err = capture(["pg_lsclusters", "-h"])
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3] != "online":
            step(f"starting PostgreSQL cluster {fields[0]} {fields[1]}")
            start = ["pg_ctlcluster", fields[0], fields[1], "start"]
            if os.geteuid() != 0:
                start = ["sudo", "-n", *start]
            run(start, check=False)
    for _ in range(30):
        if capture(["pg_isready", "-q"])[0] == 0:
            return
        time.sleep(1)


def create_role():
    user = current_user()
    if user == "postgres":
        raise Failure("Odoo refuses to run with the PostgreSQL role 'postgres'.")
    step(f"creating PostgreSQL superuser role {user} (Odoo refuses the role postgres)")
    cmd = f"createuser -s {shlex.quote(user)}"
    if os.geteuid() == 0:
        run(["su", "postgres", "-c", cmd], check=False)
    else:
        run(["sudo", "-n", "-u", "postgres", "createuser", "-s", user], check=False)


def ensure_postgres():
    """PostgreSQL reachable as the current user (cluster started, role created)."""
    if not shutil.which("psql"):
        raise Failure(
            "PostgreSQL client tools (psql) are not on PATH: "
            "sudo apt-get install postgresql postgresql-client"
        )
    code, _out, err = psql("select 1")
    if code == 0:
        return
    if not ("role" in err and "does not exist" in err):
        start_clusters()
        code, _out, err = psql("select 1")
    if code and "role" in err and "does not exist" in err:
        create_role()
        code, _out, err = psql("select 1")
    if code:
        raise Failure(
            f"Cannot reach PostgreSQL as {current_user()}:\n  {err}\n"
            "Start a local PostgreSQL server and give your user a role:\n"
            f"    sudo -u postgres createuser -s {current_user()}\n"
            "or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
        )
