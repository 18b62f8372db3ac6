"""The generated nginx configuration of ``make serve`` (deploy/serve.py), without starting it."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from deploy.serve import (
    SITE,
    Settings,
    brotli_config,
    check_config,
    csp_policies,
    inline_script_hashes,
    nginx_files,
    render,
    replica_command,
    streamlit_index_html,
    write_run_dir,
)
from hsou_dash.page_shell import BOOT_SCRIPT, MODULE_TAG


def test_render_refuses_missing_or_leftover_placeholders():
    assert render("a @X@ b", {"X": "1"}) == "a 1 b"
    with pytest.raises(KeyError, match="Y"):
        render("@X@ @Y@", {"X": "1"})


def test_csp_allows_streamlits_inline_snippet_by_hash_and_nothing_foreign():
    html = streamlit_index_html().read_text()
    hashes = inline_script_hashes(html)
    assert hashes  # Streamlit's shell has one inline script (window.prerenderReady)
    for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in hashes
    assert inline_script_hashes('<script src="x.js"></script>') == []
    app, component = csp_policies(html)
    app_scripts = re.search(r"script-src ([^;]*)", app).group(1)
    assert "'unsafe-inline'" not in app_scripts and "'unsafe-eval'" not in app_scripts
    assert "'unsafe-eval'" in component  # streamlit-folium evals layer updates in its iframe
    for policy in (app, component):
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        assert "http" not in policy and "*" not in policy


def test_replicas_serve_the_boot_line_and_nginx_allows_it_by_hash(tmp_path):
    """The replicas add the boot line themselves (hsou_dash.page_shell): nginx passes the
    page through unchanged and its CSP allows exactly that line."""
    cmd = replica_command(9001, None)
    assert cmd[cmd.index("run") + 1] == str(SITE)
    conf = nginx_files(Settings(run_dir=tmp_path),
                       index_html=streamlit_index_html().read_text())["nginx.conf"]
    assert "sub_filter" not in conf and MODULE_TAG not in conf  # no second copy of the line
    digest = base64.b64encode(hashlib.sha256(BOOT_SCRIPT.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in conf  # allowed by hash, no 'unsafe-inline'


def test_config_for_three_replicas(tmp_path):
    """Upstream, affinity, failover, limits, gzip, caching, headers: as the README says."""
    s = Settings(port=9000, replicas=3, run_dir=tmp_path)
    assert s.replica_ports == [9001, 9002, 9003]
    files = nginx_files(s)
    conf = files["nginx.conf"]
    for port in (9001, 9002, 9003):
        assert f"server 127.0.0.1:{port} max_fails=" in conf
    assert "hash $hsou_route consistent;" in conf and "\n        ip_hash" not in conf
    assert "proxy_next_upstream error timeout" in conf
    assert "client_max_body_size 12m;" in conf
    assert re.search(r"gzip_types[^;]*application/javascript[^;]*application/json", conf)
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in conf
    assert 'location ~ "^/component/[^/]+/static/' in conf  # hashed component build files
    assert f"pid {s.run_dir}/nginx.pid;" in conf  # pid, logs, temp files: all in the run dir
    assert not re.search(r"@[A-Z_]+@", conf)
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Host $http_host;" in files["proxy_headers.conf"]
    headers = files["security_headers.conf"]
    assert "nosniff" in headers and "Referrer-Policy" in headers
    assert "Permissions-Policy" in headers and "X-HSOU-Replica" not in headers
    assert "X-HSOU-Replica" in nginx_files(Settings(run_dir=tmp_path,
                                                     debug_headers=True))["security_headers.conf"]


@pytest.mark.skipif(not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx not installed (make test installs it)")
def test_nginx_accepts_the_generated_config(tmp_path):
    run = Path(__file__).resolve().parents[2] / "test-artifacts" / "serve-config-check"
    s = Settings(port=9000, replicas=2, listen="127.0.0.1", run_dir=run)
    write_run_dir(s)
    check_config(s)  # raises with nginx's message if the template is broken


def test_brotli_only_when_the_module_is_installed(tmp_path):
    assert brotli_config(tmp_path / "missing.so") == {"LOAD_MODULES": "", "BROTLI": ""}
    module = tmp_path / "ngx_http_brotli_filter_module.so"
    module.write_bytes(b"")
    cfg = brotli_config(module)
    assert cfg["LOAD_MODULES"] == f"load_module {module};"
    assert "brotli on;" in cfg["BROTLI"]
    assert re.search(r"brotli_types[^;]*application/javascript[^;]*application/json",
                     cfg["BROTLI"])
    conf = nginx_files(Settings(run_dir=tmp_path))["nginx.conf"]
    assert "gzip on;" in conf  # gzip stays for browsers without br


def test_script_health_check_is_for_the_warm_up_only(tmp_path):
    """Replicas enable Streamlit's script health check (serve.py warms each replica with it
    before nginx starts); nginx never passes it through: it runs app.py per request."""
    assert "--server.scriptHealthCheckEnabled" in replica_command(9001, None)
    conf = nginx_files(Settings(run_dir=tmp_path))["nginx.conf"]
    block = re.search(r"location = /_stcore/script-health-check \{(.*?)\}", conf, re.S)
    assert block and "return 404;" in block.group(1)
