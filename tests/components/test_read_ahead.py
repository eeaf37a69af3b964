"""read_ahead: the same items in order, the producer's error raised to the consumer, an early stop
ends the producer."""
import threading
import time

import pytest

from model_guardrails.read_ahead import read_ahead


def test_items_in_order_and_error_passed_on():
    assert list(read_ahead(iter(range(50)), depth=2)) == list(range(50))

    def failing():
        yield 1
        raise ValueError("bad chunk")

    got = []
    with pytest.raises(ValueError, match="bad chunk"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_early_stop_ends_the_producer():
    produced = []

    def endless():
        while True:
            produced.append(1)
            yield len(produced)

    for item in read_ahead(endless()):
        if item == 3:
            break
    deadline = time.time() + 5
    while any(t.name == "read-ahead" for t in threading.enumerate()) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "read-ahead" for t in threading.enumerate())
    assert len(produced) <= 5


def test_any_producer_failure_reaches_the_consumer_and_an_early_stop_closes_the_source():
    def interrupted():
        yield 1
        raise KeyboardInterrupt  # not an Exception: the consumer must still be told, never wait forever

    with pytest.raises(KeyboardInterrupt):
        list(read_ahead(interrupted()))

    closed = threading.Event()

    def stream():
        try:
            while True:
                yield 1
        finally:
            closed.set()

    reader = read_ahead(stream())
    next(reader)
    reader.close()  # the consumer stops early: the producer ends and closes its source before close() returns
    assert closed.is_set()
