"""The one way tests and benchmarks start a local Streamlit: a server that cannot start is a
clear error naming its log (not a silent wait, not a bare timeout)."""

from __future__ import annotations

import pytest

from deploy import local


def test_a_server_that_cannot_start_names_its_log(tmp_path):
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "w") as log, pytest.raises(RuntimeError) as err:
        with local.local_streamlit(script=tmp_path / "missing.py", log=log, timeout=30):
            pytest.fail("a missing script must not serve")
    assert "did not start" in str(err.value) and str(log_path) in str(err.value)
    assert "missing.py" in log_path.read_text()  # Streamlit's own reason is in the log

