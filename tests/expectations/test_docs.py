"""`write_data_docs`: GX validation pages per batch, a run index linking them, an index of runs."""
from __future__ import annotations

import re
import socket

import pytest

from corridor.connectors.ktz import OPERATIONS
from corridor.expectations import validate, write_data_docs
from corridor.expectations.docs import page_name

from fixtures.expectations import CLEAN_OPERATION as CLEAN
from fixtures.expectations import UNKNOWN_ESR, staging_frame

# op_code_known fails on 2 rows, esr_known and wagon_check_digit on 1 each (row 3 fails two rules).
FAILING = {2: {"op_code": "11"}, 3: {"op_code": "11", "esr": UNKNOWN_ESR}, 4: {"wagon_no": "51234566"}}


@pytest.fixture(scope="module")
def outcomes(gx_context):
    failing = validate(staging_frame(OPERATIONS, CLEAN, {1: {}, **FAILING}), "ktz_tracking")
    clean = validate(staging_frame(OPERATIONS, CLEAN, {1: {}, 2: {}}), "ktz_tracking")
    return failing, clean


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while rendering: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def links(path) -> list[str]:
    return re.findall(r'href="([^"]+)"', path.read_text(encoding="utf-8"))


def text(path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_pages_index_and_runs_index(tmp_path, outcomes, no_network):
    failing, clean = outcomes
    validations = [("L1", "ktz_tracking", failing), ("L1", "ktz_tracking", clean), ("L2", "ktz_tracking", failing)]
    index = write_data_docs(tmp_path, "sync-1", validations)

    assert index == tmp_path / "sync-1" / "index.html"
    names = ["001-L1-ktz_tracking.html", "002-L1-ktz_tracking.html", "003-L2-ktz_tracking.html"]
    assert [page_name(n, load, suite) for n, (load, suite, _) in enumerate(validations, 1)] == names
    assert sorted(p.name for p in index.parent.iterdir()) == [*names, "index.html", "run.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries left
    assert [link for link in links(index) if link.endswith(".html") and "/" not in link] == names

    page = text(index.parent / names[0])
    assert "ktz_tracking" in page and "L1" in page and "sync-1" in page
    assert re.search(r"Records 4 Passed 1 Quarantined 3 Success False", page)
    for rule, rows in {"op_code_known": 2, "esr_known": 1, "wagon_check_digit": 1, "op_id_present": 0}.items():
        assert re.search(rf"{rule} {rows} expect_", page), rule
    assert "Unsuccessful Expectations 3" in page  # GX's own statistics block
    assert "Quarantined 0 Success True" in text(index.parent / names[1])

    run_row = re.search(r"Total (\d+) (\d+) (\d+) (\w+)", text(index)).groups()
    assert run_row == ("10", "4", "6", "no")
    assert links(tmp_path / "index.html") == ["sync-1/index.html"]


def test_rewriting_a_run_replaces_it_and_runs_are_listed_newest_first(tmp_path, outcomes):
    failing, clean = outcomes
    write_data_docs(tmp_path, "sync-b", [("L1", "ktz_tracking", failing), ("L2", "ktz_tracking", failing)])
    write_data_docs(tmp_path, "sync-a", [("L3", "ktz_tracking", clean)])
    write_data_docs(tmp_path, "sync-b", [("L9", "ktz_tracking", clean)])

    assert sorted(p.name for p in (tmp_path / "sync-b").glob("*.html")) == ["001-L9-ktz_tracking.html", "index.html"]
    assert links(tmp_path / "index.html") == ["sync-b/index.html", "sync-a/index.html"]


def test_names_are_escaped_and_made_safe(tmp_path, outcomes):
    index = write_data_docs(tmp_path, "sync-1", [("<b>x/../y</b>", "ktz_tracking", outcomes[1])])
    assert [p.name for p in index.parent.glob("0*.html")] == ["001-_b_x_.._y_b_-ktz_tracking.html"]
    assert "<b>" not in index.read_text() and "&lt;b&gt;x/../y&lt;/b&gt;" in index.read_text()
    assert "&lt;b&gt;" in (index.parent / "001-_b_x_.._y_b_-ktz_tracking.html").read_text()


@pytest.mark.parametrize("run_id", ["", "../up", "a/b", ".hidden", "x" * 200, "index.html"])
def test_unsafe_run_ids_are_refused(tmp_path, outcomes, run_id):
    with pytest.raises(ValueError, match="run_id"):
        write_data_docs(tmp_path, run_id, [("L1", "ktz_tracking", outcomes[1])])
    assert list(tmp_path.iterdir()) == []
