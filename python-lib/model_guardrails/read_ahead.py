"""Read the next chunk while the current one is computed: the chunked engines' passes overlap the
read (parsing, decoding: mostly outside the GIL) with the statistics, at the cost of up to
``depth + 1`` chunks in memory beyond the one being computed (``depth`` queued, one being read)."""
import queue
import threading

_END = object()


class _Failed:
    def __init__(self, error):
        self.error = error


def read_ahead(chunks, depth=1):
    """The items of the iterable ``chunks``, produced by a background thread at most ``depth`` items
    ahead. An exception of the producer is raised here, where the item would have come; a consumer
    that stops early stops the producer at its next item."""
    items = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    source = iter(chunks)

    def produce():
        end = _END
        try:
            for chunk in source:
                if not put(chunk):
                    return
        except BaseException as exc:  # noqa: B036 — any failure is handed to the consumer, raised there
            end = _Failed(exc)
        finally:
            put(end)  # always: the consumer never waits on a dead producer
            close = getattr(source, "close", None)
            if close is not None:  # a generator's file or DSS stream, closed by the thread that reads it
                close()

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()  # the producer notices stop at its next item (at most one chunk's read)
