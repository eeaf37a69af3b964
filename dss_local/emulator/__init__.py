"""DSS/Govern public-API emulator for the gate macros (``dss-local emulator``).

In-process use (tests, demo)::

    with Emulator(demo_state()) as emu:
        client = dataikuapi.DSSClient(emu.url, "dss-demo-key")
        ...
        emu.state.snapshot()          # the JSON document, for assertions
"""
import logging
import threading

from .server import Handler, Server
from .state import State, demo_state, empty_state, signoff  # noqa: F401

log = logging.getLogger("dss-local.emulator")


class Emulator:
    def __init__(self, document=None, host="127.0.0.1", port=0, state_file=None):
        self.state = State(document, path=state_file)
        self.stopping = threading.Event()
        self.httpd = Server((host, port), Handler)
        self.httpd.emulator = self
        self.thread = None

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        return "http://{}:{}".format(self.httpd.server_address[0], self.port)

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="dss-local-emulator", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve(host="127.0.0.1", port=8085, state_file=None):
    """Serve until interrupted. Without a state file, starts from the demo state."""
    import os

    document = None if state_file and os.path.exists(state_file) else demo_state()
    emulator = Emulator(document, host=host, port=port, state_file=state_file)
    log.info("Emulator listening on %s (state: %s). DSS key(s): %s; Govern key(s): %s", emulator.url,
             state_file or "in memory", ", ".join(emulator.state.doc["dss"]["api_keys"]) or "none",
             ", ".join(emulator.state.doc["govern"]["api_keys"]) or "none")
    try:
        emulator.httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        log.info("Emulator stopped")
    finally:
        emulator.stopping.set()
        emulator.httpd.server_close()
