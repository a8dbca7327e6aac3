"""Odoo in production shape: multi-process, queue_job's runner.

- ``run_config``: the configuration `SP_WORKERS=N make run` serves with
  (workers, a cron worker, ``server_wide_modules=base,web,queue_job``, the job
  runner and its channels, Odoo's default limits);
- ``cmd_test_multiprocess`` (`make test-multiprocess`, a step of `.ci/run`): a
  fresh test database with the four addons, Odoo started multi-process on free
  ports of localhost, then over JSON-RPC: a background receipt of 5,000 serials
  validated and waited for; the worker running a slice of a second receipt
  killed with ``kill -9`` and the receipt seen to finish by itself (the bridge's
  recovery cron, no manual requeue); ``/websocket`` answering on the gevent
  port. Closing line: ``multiprocess: N passed, N failed``. The database is
  dropped afterwards (unless SP_KEEP_DB=1).
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from .database import drop_db
from .layers import prepare_test_db
from .layout import LOGS, REPO, VAR, repo_addons
from .output import Failure, say, step

DEFAULT_CHANNELS = "root:{capacity}"


def job_capacity(workers):
    """Jobs run at once by default: half the HTTP workers (at least one), so
    that users keep workers while jobs run (every job is an HTTP request to a
    worker)."""
    return max(1, workers // 2)


def run_config(odoo, db, http_port, workers, gevent_port=None, channels=None):
    """The text of an Odoo configuration serving ``db`` multi-process."""
    channels = channels or DEFAULT_CHANNELS.format(capacity=job_capacity(workers))
    lines = [
        "[options]",
        f"addons_path = {odoo.addons_path}",
        f"db_name = {db}",
        f"dbfilter = ^{db}$",
        "list_db = False",
        f"http_port = {http_port}",
        f"gevent_port = {gevent_port or int(http_port) + 3}",
        f"workers = {workers}",
        "max_cron_threads = 1",
        "server_wide_modules = base,web,queue_job",
        "proxy_mode = False",
        "",
        "[queue_job]",
        f"channels = {channels}",
        "scheme = http",
        "host = localhost",
        f"port = {http_port}",
    ]
    return "\n".join(lines) + "\n"


def server_cmd(odoo, *args):
    """The command that serves Odoo multi-process. Odoo's master starts its
    gevent (websocket) process again as ``python sys.argv[0] gevent``: that
    needs a script (``odoo-bin``, or the ``odoo`` of a pip-installed Odoo), never
    ``python -m odoo`` (whose __main__.py cannot be run as a script)."""
    candidates = [
        Path(odoo.info["root"]) / "odoo-bin",
        Path(odoo.python).parent / "odoo",
    ]
    for script in candidates:
        if script.is_file():
            return [odoo.python, str(script), *args]
    return odoo.cmd(*args)


def write_run_config(odoo, db, http_port, workers, gevent_port=None, channels=None):
    path = VAR / f"run-{db}.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(run_config(odoo, db, http_port, workers, gevent_port, channels))
    return path


# ---------------------------------------------------------------- the CI test


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Rpc:
    """JSON-RPC (/jsonrpc) as admin on a running server."""

    def __init__(self, port, db, login="admin", password="admin"):
        self.url = f"http://127.0.0.1:{port}/jsonrpc"
        self.db, self.password = db, password
        self.uid = self.call("common", "login", db, login, password)
        if not self.uid:
            raise Failure("multiprocess: admin cannot log in over JSON-RPC")

    def call(self, service, method, *args, timeout=120):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
        }
        request = urllib.request.Request(
            self.url,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
        if answer.get("error"):
            error = answer["error"].get("data", {}).get("message") or answer["error"]
            raise Failure(f"JSON-RPC {method} {args[:2]}: {error}")
        return answer["result"]

    def __call__(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


def wait_http(port, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Failure(f"multiprocess: Odoo exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/web/login", timeout=10
            ):
                return
        except OSError:
            time.sleep(1)
    raise Failure(f"multiprocess: Odoo did not answer on port {port}")


def websocket_upgrade_status(port, seconds=90):
    """The status line of an HTTP upgrade request to /websocket on ``port``
    (the gevent process starts after the workers: waited for)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return _upgrade(port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _upgrade(port):
    request = (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: localhost:{port}\r\n"
        f"Origin: http://localhost:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request.encode())
        return sock.recv(1024).decode(errors="replace").split("\r\n", 1)[0]


def receipt(rpc, product_id, vendor_id, count, prefix):
    """A confirmed purchase of ``count`` serials and its receipt, serials
    entered (the addon's serial entry wizard) and picked: the receipt's id."""
    order = rpc(
        "purchase.order",
        "create",
        {
            "partner_id": vendor_id,
            "order_line": [
                [
                    0,
                    0,
                    {"product_id": product_id, "product_qty": count, "price_unit": 1},
                ]
            ],
        },
    )
    rpc("purchase.order", "button_confirm", [order])
    [picking] = rpc("purchase.order", "read", [order], ["picking_ids"])[0][
        "picking_ids"
    ]
    move = rpc("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"][0]
    wizard = rpc(
        "serial.procurement.serial.entry.wizard",
        "create",
        {
            "move_id": move,
            "serials": "\n".join(f"{prefix}-{i:06d}" for i in range(count)),
        },
    )
    rpc("serial.procurement.serial.entry.wizard", "action_apply", [wizard])
    rpc("stock.move", "write", [move], {"picked": True})
    return picking


def wait_picking_done(rpc, picking, seconds, on_poll=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        values = rpc(
            "stock.picking",
            "read",
            [picking],
            ["state", "serial_job_outcome", "serial_job_error", "serial_job_progress"],
        )[0]
        if values["state"] == "done":
            return values
        if values["serial_job_outcome"] == "failed":
            raise Failure(f"receipt refused: {values['serial_job_error']}")
        if on_poll:
            on_poll(values)
        time.sleep(2)
    raise Failure(f"receipt {picking} not done after {seconds} s")


def started_slice(rpc, picking, seconds=120):
    """The started slice job of ``picking`` (its uuid and worker pid)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        uuid = rpc("stock.picking", "read", [picking], ["serial_job_uuid"])[0][
            "serial_job_uuid"
        ]
        jobs = rpc(
            "queue.job",
            "search_read",
            [("uuid", "=", uuid), ("state", "=", "started")],
            ["uuid", "worker_pid"],
        )
        if jobs and jobs[0]["worker_pid"]:
            return jobs[0]
        time.sleep(0.5)
    raise Failure(f"no slice of receipt {picking} started within {seconds} s")


def scenario(rpc, results, gevent_port, server_pid):
    def check(name, ok, detail=""):
        results.append((name, bool(ok)))
        say(f"    {'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")

    company = rpc("res.users", "read", [rpc.uid], ["company_id"])[0]["company_id"][0]
    rpc("res.company", "write", [company], {"serial_job_receipt_serials": 500})
    # the recovery cron every minute (default: every 2 minutes)
    cron = rpc(
        "ir.model.data",
        "search_read",
        [
            ("module", "=", "serial_procurement_queue_job"),
            ("name", "=", "ir_cron_requeue_interrupted_jobs"),
        ],
        ["res_id"],
    )[0]["res_id"]
    rpc("ir.cron", "write", [cron], {"interval_number": 1, "interval_type": "minutes"})
    vendor = rpc("res.partner", "create", {"name": "Multiprocess Vendor"})
    product = rpc(
        "product.product",
        "create",
        {
            "name": "Multiprocess Router",
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
        },
    )

    # 1. a background receipt of 5,000 serials
    first = receipt(rpc, product, vendor, 5000, "MP1")
    started = time.monotonic()
    rpc("stock.picking", "button_validate", [first])
    values = wait_picking_done(rpc, first, 240)
    parts = rpc("stock.picking", "search_count", [("serial_receipt_id", "=", first)])
    lots = rpc("stock.lot", "search_count", [("product_id", "=", product)])
    check(
        "background receipt of 5,000 serials",
        values["serial_job_progress"] == "5,000 / 5,000 serials received"
        and parts == 4
        and lots == 5000,
        f"{values['serial_job_progress']}, {parts + 1} slices, "
        f"{time.monotonic() - started:.0f} s",
    )

    # 2. the worker of a second receipt's slice killed: it recovers by itself
    second = receipt(rpc, product, vendor, 1500, "MP2")
    rpc("stock.picking", "button_validate", [second])
    job = started_slice(rpc, second)
    pid = job["worker_pid"]
    if pid == server_pid:
        raise Failure("the job runs in the master process: not multi-process")
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    say(f"    killed worker {pid} running slice job {job['uuid']}")
    values = wait_picking_done(rpc, second, 200)
    messages = rpc(
        "mail.message",
        "search_read",
        [("model", "=", "stock.picking"), ("res_id", "=", second)],
        ["body"],
    )
    interrupted = any("interrupted" in (m["body"] or "") for m in messages)
    lots = rpc("stock.lot", "search_count", [("product_id", "=", product)])
    check(
        "killed worker's slice requeued automatically and the receipt done",
        interrupted
        and values["serial_job_progress"] == "1,500 / 1,500 serials received"
        and lots == 6500,
        f"recovered in {time.monotonic() - killed:.0f} s, "
        f"said 'interrupted': {interrupted}",
    )
    quants = rpc(
        "stock.quant",
        "search_count",
        [("product_id", "=", product), ("quantity", ">", 0)],
    )
    check("every serial in stock once", quants == 6500, f"{quants} quants")

    # the websocket (bus) answers on the gevent port
    status = websocket_upgrade_status(gevent_port)
    check("websocket on the gevent port", " 101 " in f"{status} ", status)


def cmd_test_multiprocess(argv):
    from .host import get_odoo
    from .system import ensure_postgres

    started = time.monotonic()
    odoo = get_odoo()
    ensure_postgres()
    db = os.environ.get("SP_MP_DB") or f"sp_mp_{os.getpid()}"
    http_port, gevent_port = free_port(), free_port()
    results, proc, log = [], None, LOGS / f"multiprocess-{db}.log"
    config = None
    try:
        prepare_test_db(odoo, db, repo_addons())
        config = write_run_config(
            odoo, db, http_port, workers=2, gevent_port=gevent_port, channels="root:2"
        )
        step(
            f"serving {db} multi-process (workers=2, job runner root:2) on "
            f"ports {http_port}/{gevent_port} (log: {log.relative_to(REPO)})"
        )
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w") as out:
            proc = subprocess.Popen(
                server_cmd(odoo, "-c", str(config), f"--logfile={log}"),
                env=odoo.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_http(http_port, proc)
        rpc = Rpc(http_port, db)
        scenario(rpc, results, gevent_port, proc.pid)
    except (Failure, OSError, ValueError, KeyError) as exc:
        say(f"    FAIL {type(exc).__name__}: {exc}")
        results.append((str(exc), False))
    finally:
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if os.environ.get("SP_KEEP_DB") != "1":
            drop_db(db)
            if config:
                config.unlink(missing_ok=True)
    passed = sum(1 for _name, ok in results if ok)
    failed = len(results) - passed or (0 if results else 1)
    say(f"    (multiprocess layer took {time.monotonic() - started:.0f} s)")
    say(f"multiprocess: {passed} passed, {failed} failed")
    return 1 if failed else 0
