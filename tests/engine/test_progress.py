"""The progress board: what stage and publish report, and the plain lines shown when not on a terminal."""
import logging
import time

from corridor import progress_display
from corridor.engine.progress import BOARD, Board, line


def test_the_board_adds_counts_and_times_each_feed():
    board = Board()
    board.expect([("KTZ", "tracking"), ("ADY", "cargo")])
    board.update(("KTZ", "tracking"), state="staging")
    board.update(("KTZ", "tracking"), pages=1, fetched=1000)
    board.update(("KTZ", "tracking"), pages=1, fetched=479)
    board.update(("KTZ", "tracking"), state="loaded", loaded=1472, quarantined=7)
    ktz, ady = board.snapshot()
    assert (ktz.state, ktz.pages, ktz.fetched, ktz.loaded, ktz.quarantined) == ("loaded", 2, 1479, 1472, 7)
    assert ktz.done and ktz.finished is not None and not ady.done and ady.elapsed == 0.0
    assert board.share_done() == 50.0
    assert line(ktz).startswith("KTZ tracking: loaded, 2 pages, 1479 fetched, 0 validated, 7 quarantined, 1472 loaded")


def test_without_a_terminal_unfinished_feeds_are_logged_now_and_then(monkeypatch, caplog):
    monkeypatch.setattr(progress_display, "LOG_EVERY_SECONDS", 0.05)
    monkeypatch.setattr(progress_display.sys.stderr, "isatty", lambda: False)
    with caplog.at_level(logging.INFO, logger="corridor.progress"), progress_display.showing_progress():
        BOARD.expect([("KTZ", "tracking"), ("ADY", "cargo")])
        BOARD.update(("KTZ", "tracking"), state="staging", pages=3, fetched=2500)
        BOARD.update(("ADY", "cargo"), state="loaded", loaded=10)
        time.sleep(0.3)
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("progress: KTZ tracking: staging, 3 pages, 2500 fetched") for m in messages)
    assert not any("ADY cargo" in m for m in messages)  # a finished feed is not repeated
