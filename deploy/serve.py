"""``make serve``: N Streamlit replicas on 127.0.0.1 behind nginx, in the foreground.

Why this shape: one Streamlit process runs every session's script on one interpreter, so a
public site scales out by running several processes behind a load balancer that keeps each
browser on its replica (Streamlit sessions live in process memory). Here that balancer is
Debian's nginx, with its configuration generated from ``deploy/nginx.conf.template`` into a run
folder (``deploy/run/``, gitignored) together with its pid, logs, temp files and asset cache,
so nothing under ``/etc/nginx`` is touched. The same shape maps onto a Kubernetes ingress or a
cloud load balancer with cookie affinity.

Run: ``make serve [REPLICAS=2] [PORT=8080]`` or ``python deploy/serve.py --help``. Ctrl-C stops
nginx and every replica. The module is also imported by the proxy browser test and the load
benchmark, which start the same set-up on free ports.
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make the app's package importable
    sys.path.insert(0, str(REPO))

from hsou_dash import config  # noqa: E402
from hsou_dash.page_shell import served_index_html  # noqa: E402

DEPLOY_DIR = Path(__file__).resolve().parent
#: What every server of the site runs: app.py with the page shell of hsou_dash.page_shell.
SITE = DEPLOY_DIR / "hsou_site.py"
TEMPLATE = DEPLOY_DIR / "nginx.conf.template"
DEFAULT_RUN_DIR = DEPLOY_DIR / "run"
MIME_TYPES = Path("/etc/nginx/mime.types")
#: Environment variable naming an http(s) base URL to install the data bundle from.
ENV_BUNDLE_URL = "HSOU_BUNDLE_URL"

# Passive health check: two failed attempts within 10 s take a replica out for 10 s; a refused
# connection (a dead process) is retried on the next replica within the same request.
MAX_FAILS = 2
FAIL_TIMEOUT_S = 10

_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


# --- configuration -------------------------------------------------------------------------

def streamlit_index_html() -> Path:
    """Streamlit's page shell, whose inline scripts the CSP must allow by hash (its own, and
    the boot line every replica adds: :func:`hsou_dash.page_shell.served_index_html`)."""
    from streamlit import file_util

    return Path(file_util.get_static_dir()) / "index.html"


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') for every inline ``<script>`` in ``html``.

    Streamlit's index.html sets ``window.prerenderReady`` inline; allowing exactly that text by
    hash keeps ``script-src`` free of 'unsafe-inline' for the app itself. Computed from the
    installed package, so a Streamlit upgrade that changes the snippet still gets a valid policy.
    """
    out = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        if "src=" in attrs:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        out.append(f"'sha256-{digest}'")
    return out


def csp_policies(index_html: str) -> tuple[str, str]:
    """(policy for the app, policy for custom-component iframes under /component/).

    Both allow scripts, styles, fonts and connections from the app's own origin only; no
    third-party host appears anywhere. What each extra allowance is for:

    - ``style-src 'unsafe-inline'``: Streamlit (emotion) and Leaflet set styles at run time.
    - ``img-src data: blob:``: Streamlit's icons and downloads, Leaflet's inline images.
    - ``worker-src blob:``: Streamlit starts web workers from blob URLs.
    - app ``script-src 'wasm-unsafe-eval'``: Streamlit's protobuf bundle compiles a small
      WebAssembly module (64-bit integer maths); this allows WebAssembly only, not JS eval.
    - component ``script-src 'unsafe-inline' 'unsafe-eval'``: streamlit-folium injects the
      folium map script as an inline ``<script>`` and ``eval``s layer updates; confined to the
      component's own iframe document.
    """
    common = ["default-src 'self'", "style-src 'self' 'unsafe-inline'",
              "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'",
              "object-src 'none'", "base-uri 'self'", "form-action 'self'",
              "frame-ancestors 'self'"]
    app = ["script-src 'self' 'wasm-unsafe-eval' " + " ".join(inline_script_hashes(index_html)),
           "frame-src 'self'", "worker-src 'self' blob:"]
    component = ["script-src 'self' 'unsafe-inline' 'unsafe-eval'"]
    return "; ".join(app + common), "; ".join(component + common)


@dataclass
class Settings:
    """One proxy set-up: where nginx listens, how many replicas on which ports, the run folder."""

    port: int = 8080
    replicas: int = 2
    replica_ports: list[int] = field(default_factory=list)  # default: port+1 … port+N
    listen: str = "0.0.0.0"
    run_dir: Path = DEFAULT_RUN_DIR
    #: Add X-HSOU-Replica (the upstream address) to responses: tests use it to see which
    #: replica served them. Off for a public site, where it would describe the internals.
    debug_headers: bool = False
    #: Mark the route cookie Secure (set when TLS is terminated in front of nginx).
    secure_cookie: bool = False
    websocket_compression: bool | None = None  # None: as in .streamlit/config.toml

    def __post_init__(self) -> None:
        self.run_dir = Path(self.run_dir).resolve()
        if not self.replica_ports:
            self.replica_ports = [self.port + 1 + i for i in range(self.replicas)]
        if len(self.replica_ports) != self.replicas:
            raise ValueError("one port per replica")


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``@NAME@`` placeholders; a missing value or a leftover placeholder is an error.

    Not ``str.format``/``string.Template``: nginx syntax is full of braces and ``$``.
    """
    missing = sorted(set(_PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for placeholder(s): {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


#: Debian's brotli module for nginx (``apt-get install libnginx-mod-http-brotli-filter``).
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
BROTLI_TYPES = ("text/css text/javascript application/javascript application/json "
                "application/manifest+json image/svg+xml text/plain text/xml application/xml")


def brotli_config(module: Path = BROTLI_MODULE) -> dict[str, str]:
    """``load_module`` and ``brotli`` directives when the module is installed (a first /map
    visit is ~20 % smaller than with gzip alone), else nothing: gzip stays either way, for
    browsers without ``br`` and hosts without the module."""
    if not module.exists():
        return {"LOAD_MODULES": "", "BROTLI": ""}
    return {"LOAD_MODULES": f"load_module {module};",
            "BROTLI": "\n".join(["brotli on;", "    brotli_comp_level 5;",
                                 "    brotli_min_length 1024;",
                                 f"    brotli_types {BROTLI_TYPES};"])}


def nginx_files(s: Settings, index_html: str | None = None) -> dict[str, str]:
    """Every generated file of the run folder: name → text."""
    html = index_html if index_html is not None else streamlit_index_html().read_text()
    csp_app, csp_component = csp_policies(served_index_html(html))
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT_S}s;"
        for p in s.replica_ports)
    run = str(s.run_dir)
    conf = render(TEMPLATE.read_text(), {
        "RUN_DIR": run, "MIME_TYPES": str(MIME_TYPES), "LISTEN": f"{s.listen}:{s.port}",
        "UPSTREAM_SERVERS": servers, "CSP_APP": csp_app, "CSP_COMPONENT": csp_component,
        "COOKIE_SECURE": "; Secure" if s.secure_cookie else "",
        **brotli_config(),
    })
    proxy_headers = "\n".join([
        "proxy_http_version 1.1;",
        # $http_host keeps the port: Streamlit accepts the websocket only when Origin matches
        # Host, and $host would drop ":8080".
        "proxy_set_header Host $http_host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        # nginx compresses; replicas never spend Python CPU on it (and cached copies stay
        # independent of each client's Accept-Encoding).
        'proxy_set_header Accept-Encoding "";',
        "",
    ])
    headers = [
        "add_header Content-Security-Policy $hsou_csp always;",
        "add_header X-Content-Type-Options nosniff always;",
        "add_header Referrer-Policy same-origin always;",
        "add_header X-Frame-Options SAMEORIGIN always;",
        'add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), payment=(), '
        'usb=()" always;',
        "add_header Set-Cookie $hsou_route_cookie always;",
    ]
    if s.debug_headers:
        headers.append("add_header X-HSOU-Replica $upstream_addr always;")
    return {"nginx.conf": conf, "proxy_headers.conf": proxy_headers,
            "security_headers.conf": "\n".join(headers) + "\n"}


def write_run_dir(s: Settings) -> Path:
    """Generate the run folder (config, temp and cache dirs); return the nginx.conf path."""
    s.run_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("tmp", "cache", "logs"):
        (s.run_dir / sub).mkdir(exist_ok=True)
    for name, text in nginx_files(s).items():
        (s.run_dir / name).write_text(text)
    # nginx's workers drop root privileges (to nobody): they must be able to enter the run
    # folder to write temp files and the asset cache.
    os.chmod(s.run_dir, 0o755)
    if os.geteuid() == 0:
        closed = [p for p in [s.run_dir, *s.run_dir.parents] if not p.stat().st_mode & 0o001]
        if closed:
            raise RuntimeError(f"nginx workers (user nobody) cannot enter {closed[0]}: choose a "
                               "run folder every user can reach (--run-dir)")
    return s.run_dir / "nginx.conf"


def nginx_binary() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).exists():
        raise SystemExit("nginx not found: apt-get install nginx (make serve does it)")
    return path


def check_config(s: Settings) -> None:
    """``nginx -t`` on the generated file, so a template mistake fails before anything starts."""
    conf = s.run_dir / "nginx.conf"
    r = subprocess.run([nginx_binary(), "-t", "-q", "-p", str(s.run_dir), "-e", "stderr",
                        "-c", str(conf)], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"nginx rejected {conf}:\n{r.stderr}")


# --- processes -----------------------------------------------------------------------------

def _die_with_parent() -> None:
    """Child processes get SIGTERM if this process dies (even by SIGKILL): no orphans."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def replica_command(port: int, compression: bool | None) -> list[str]:
    cmd = [sys.executable, "-m", "streamlit", "run", str(SITE),
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           # A public replica runs the code it started with: no watching, no reloading a
           # source file halfway through a deploy (and no inotify watches per replica).
           "--server.fileWatcherType", "none",
           # /_stcore/script-health-check runs app.py once in a throw-away session: warm_up()
           # calls it before the replica takes visitors (nginx does not pass it through).
           "--server.scriptHealthCheckEnabled", "true"]
    if compression is not None:
        cmd += ["--server.enableWebsocketCompression", str(compression).lower()]
    return cmd


def wait_healthy(url: str, timeout: float = 60, proc: subprocess.Popen | None = None) -> None:
    """Poll ``url`` until it answers 200; fail early if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def warm_up(port: int, timeout: float = 60) -> bool:
    """Run app.py once in the replica on ``port`` (Streamlit's script health check) before it
    takes visitors: the process leaves Streamlit's old multipage mode (so no first visitor's
    page reruns itself), loads the bundle and starts filling the caches of the default views
    (``cache.start_warm_up``, in the background). ``False`` if the run failed or timed out
    (the replica still serves; the first visitor then waits longer)."""
    url = f"http://127.0.0.1:{port}/_stcore/script-health-check"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def bundle_ready() -> bool:
    from hsou_dash.ui.bootstrap import bundle_installed

    return bundle_installed(config.data_dir())


def ensure_bundle(source: str | None) -> None:
    """Install the bundle once, before any replica starts, with the CLI (same code as make run).

    Every replica then reads the same ``HSOU_DATA_DIR``; none of them installs anything.
    """
    if bundle_ready():
        return
    source = os.environ.get(ENV_BUNDLE_URL) or source
    if not source:
        raise SystemExit(f"No data bundle in {config.data_dir()} and no source: pass --bundle "
                         f"or set {ENV_BUNDLE_URL}")
    from hsou_dash.ui.bootstrap import public_url  # no credentials of the URL in the logs

    print(f"Installing the data bundle from {public_url(source)} …", flush=True)
    r = subprocess.run([sys.executable, "-m", "hsou_dash", "data", "install", source], cwd=REPO)
    if r.returncode != 0:
        raise SystemExit("Data bundle not installed (problems listed above)")


@dataclass
class Deployment:
    """Replicas + nginx for one :class:`Settings`; ``start()``/``stop()`` or ``with``."""

    settings: Settings
    log: IO[str] | None = None  # where replicas and nginx write; None: files in the run dir
    replicas: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    cookie_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.settings.listen in ("0.0.0.0", "*", "[::]") else \
            self.settings.listen
        return f"http://{host}:{self.settings.port}"

    def _out(self, name: str) -> IO[str]:
        if self.log is not None:
            return self.log
        return open(self.settings.run_dir / "logs" / name, "a")  # the child keeps it open

    def _env(self) -> dict[str, str]:
        # The data path itself, not what it resolves to: a later `data install` swaps the
        # symlink there and every replica follows.
        env = {**os.environ, config.ENV_DATA_DIR: str(config.data_target()),
               config.ENV_CACHE_DIR: str(config.cache_dir())}
        env.pop(ENV_BUNDLE_URL, None)  # installed above; replicas must not install again
        # One secret for all replicas (Streamlit takes it only from the environment or a
        # file): a signed cookie from one replica stays valid on another after a failover.
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = self.cookie_secret
        return env

    def start_replica(self, i: int) -> subprocess.Popen:
        s = self.settings
        port = s.replica_ports[i]
        proc = subprocess.Popen(replica_command(port, s.websocket_compression),
                                cwd=REPO, env=self._env(), stdin=subprocess.DEVNULL,
                                stdout=self._out(f"replica-{port}.log"),
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent)
        if i < len(self.replicas):
            self.replicas[i] = proc
        else:
            self.replicas.append(proc)
        return proc

    def start(self, timeout: float = 90) -> Deployment:
        s = self.settings
        busy = [p for p in [s.port, *s.replica_ports] if not port_free(p)]
        if busy:  # a replica would otherwise fail late, or health checks reach a stranger
            raise RuntimeError(f"port(s) already in use: {', '.join(map(str, busy))}")
        write_run_dir(s)
        check_config(s)
        try:
            for i in range(s.replicas):
                self.start_replica(i)
            for port, proc in zip(s.replica_ports, self.replicas, strict=True):
                wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", timeout, proc)
            warmers = [threading.Thread(target=warm_up, args=(port,), daemon=True)
                       for port in s.replica_ports]
            for w in warmers:
                w.start()
            for w in warmers:
                w.join(timeout)
            self.nginx = subprocess.Popen(
                [nginx_binary(), "-p", str(s.run_dir), "-e", str(s.run_dir / "nginx-error.log"),
                 "-c", str(s.run_dir / "nginx.conf"), "-g", "daemon off;"],
                stdin=subprocess.DEVNULL, stdout=self._out("nginx.log"),
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent)
            wait_healthy(f"{self.url}/_stcore/health", 20, self.nginx)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10) -> None:
        """Graceful stop: nginx finishes open requests (SIGQUIT), replicas get SIGTERM."""
        procs: list[tuple[subprocess.Popen, int]] = []
        if self.nginx is not None:
            procs.append((self.nginx, signal.SIGQUIT))
        procs += [(p, signal.SIGTERM) for p in self.replicas]
        for p, sig in procs:
            if p.poll() is None:
                p.send_signal(sig)
        deadline = time.monotonic() + timeout
        for p, _ in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def pids(self) -> list[int]:
        """Process ids of the live replicas (for CPU and memory figures)."""
        return [p.pid for p in self.replicas if p.poll() is None]

    def supervise(self, poll: float = 1.0, max_restarts: int = 5) -> None:
        """Run until interrupted; restart a replica that died (a few times, then give up)."""
        restarts: list[float] = []
        while True:
            if self.nginx is not None and self.nginx.poll() is not None:
                raise SystemExit(f"nginx exited with {self.nginx.returncode}; see "
                                 f"{self.settings.run_dir / 'nginx-error.log'}")
            for i, p in enumerate(self.replicas):
                if p.poll() is None:
                    continue
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < 60] + [now]
                if len(restarts) > max_restarts:
                    raise SystemExit("replicas keep dying; see the logs in "
                                     f"{self.settings.run_dir / 'logs'}")
                port = self.settings.replica_ports[i]
                print(f"replica on :{port} exited ({p.returncode}); restarting", flush=True)
                self.start_replica(i)
            time.sleep(poll)

    def __enter__(self) -> Deployment:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def running(settings: Settings, log: IO[str] | None = None) -> Iterator[Deployment]:
    d = Deployment(settings, log=log)
    d.start()
    try:
        yield d
    finally:
        d.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        # As the servers themselves bind: connections in TIME_WAIT do not make a port busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="deploy/serve.py", description=__doc__.split("\n")[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8080, help="port nginx listens on")
    ap.add_argument("--listen", default="0.0.0.0", help="address nginx listens on")
    ap.add_argument("--replica-port", type=int, default=None,
                    help="first replica port (default PORT+1); replicas use consecutive ports")
    ap.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    ap.add_argument("--bundle", default=None,
                    help=f"bundle to install if none is installed (or ${ENV_BUNDLE_URL})")
    ap.add_argument("--secure-cookie", action="store_true",
                    help="mark the affinity cookie Secure (TLS terminated in front of nginx)")
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    first = args.replica_port or args.port + 1
    settings = Settings(port=args.port, replicas=args.replicas, listen=args.listen,
                        replica_ports=[first + i for i in range(args.replicas)],
                        run_dir=args.run_dir, secure_cookie=args.secure_cookie)
    ensure_bundle(args.bundle)
    d = Deployment(settings)
    # docker stop / kill get the same clean stop as Ctrl-C; SIGINT is set explicitly because a
    # shell starting us in the background may have left it ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        d.start()
        print(f"Serving on http://{args.listen}:{args.port} — {args.replicas} replica(s) on "
              f"127.0.0.1:{','.join(map(str, settings.replica_ports))}; data "
              f"{config.data_target()}; run folder {settings.run_dir}. Ctrl-C stops.", flush=True)
        d.supervise()
    except KeyboardInterrupt:
        print("\nStopping nginx and the replicas …", flush=True)
    finally:
        d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
