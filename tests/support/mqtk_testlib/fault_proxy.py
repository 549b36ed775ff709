"""A TCP fault proxy between a tool and a broker, on loopback, for the fault lab (tests/faults/).

    with FaultProxy(broker.port) as proxy:
        tool = start_tool(["mqtk-pub", "-h", proxy.host, "-p", str(proxy.port), ...])
        proxy.stall("up")              # stop forwarding tool -> broker (bytes pile up, then TCP stalls)
        proxy.resume()
        proxy.cut()                    # close every connection now (RST), mid-packet if one is in flight
        proxy.blackhole()              # keep sockets open but drop everything both ways (no FIN/RST)
        proxy.refuse(seconds=3)        # new connections are closed at once for a while
        proxy.drip(bytes_per_chunk=1, delay=0.01)  # forward in tiny chunks with a delay

Directions: "up" is client -> broker, "down" is broker -> client. Each accepted connection gets two
forwarding threads; all state changes apply at once to every current and later connection.
"""

import socket
import struct
import threading
import time

from .ports import LOOPBACK


class _Link:
    """One proxied connection: the client socket and the broker socket."""

    def __init__(self, client, upstream):
        self.client = client
        self.upstream = upstream
        self.closed = False
        self.dead = False  # blackholed: drops everything until closed

    def close(self, reset=False):
        if self.closed:
            return
        self.closed = True
        for s in (self.client, self.upstream):
            # shutdown wakes the pump blocked in recv() on this socket (close() alone would not, and
            # the connection would stay up); with linger 0 the final close sends RST instead of FIN.
            try:
                if reset:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.shutdown(socket.SHUT_RD)
                else:
                    s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass


class FaultProxy:
    """Forwards 127.0.0.1:<port> to target_host:target_port with injectable faults."""

    def __init__(self, target_port, target_host=LOOPBACK):
        self.target = (target_host, target_port)
        self.host = LOOPBACK
        self.accepted = 0
        self.refused = 0
        self._lock = threading.Condition()
        self._stalled = set()
        self._blackhole = False
        self._refuse_until = 0.0
        self._drip = None
        self._links = []
        self._stopping = False
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._threads = [threading.Thread(target=self._accept_loop, daemon=True)]

    def client_args(self):
        return ["-h", self.host, "-p", str(self.port)]

    # --- faults ---------------------------------------------------------------------------------
    def stall(self, direction="both"):
        """Stops forwarding in a direction ("up", "down" or "both"); data waits in the proxy."""
        with self._lock:
            self._stalled |= {"up", "down"} if direction == "both" else {direction}

    def resume(self):
        """Ends stall and drip, and the blackhole for new connections (blackholed ones stay dead)."""
        with self._lock:
            self._stalled.clear()
            self._blackhole = False
            self._drip = None
            self._lock.notify_all()

    def blackhole(self):
        """The path dies: every current connection drops every byte both ways from now on and for
        good (TCP cannot lose bytes and go on, so a blackholed link never carries data again), with
        neither FIN nor RST. New connections are blackholed too until resume()."""
        with self._lock:
            self._blackhole = True
            for link in self._links:
                link.dead = True
            self._lock.notify_all()

    def drip(self, bytes_per_chunk=1, delay=0.01):
        """Forwards at most bytes_per_chunk bytes, then sleeps delay seconds, both ways."""
        with self._lock:
            self._drip = (bytes_per_chunk, delay)

    def cut(self, reset=True):
        """Closes every current connection now (with RST when reset)."""
        with self._lock:
            links = list(self._links)
            self._links.clear()
        for link in links:
            link.close(reset=reset)

    def refuse(self, seconds):
        """Closes new connections at once for the next seconds."""
        with self._lock:
            self._refuse_until = time.monotonic() + seconds

    def connections(self):
        """The number of connections currently open through the proxy."""
        with self._lock:
            return sum(1 for link in self._links if not link.closed)

    # --- machinery ------------------------------------------------------------------------------
    def _accept_loop(self):
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping:
                client.close()
                return
            with self._lock:
                refusing = time.monotonic() < self._refuse_until
            if refusing:
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self.accepted += 1
            link = _Link(client, upstream)
            with self._lock:
                self._links.append(link)
            for src, dst, direction in ((client, upstream, "up"), (upstream, client, "down")):
                thread = threading.Thread(target=self._pump, args=(link, src, dst, direction), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _pump(self, link, src, dst, direction):
        try:
            while not link.closed:
                with self._lock:
                    while direction in self._stalled and not link.closed and not self._stopping:
                        self._lock.wait(0.05)
                    drip = self._drip
                data = src.recv(drip[0] if drip else 65536)
                if not data:
                    break
                with self._lock:
                    if self._blackhole:
                        link.dead = True
                    if link.dead:
                        continue
                    # a stall that started while recv() waited holds this chunk too
                    while direction in self._stalled and not link.closed and not self._stopping:
                        self._lock.wait(0.05)
                dst.sendall(data)
                if drip:
                    time.sleep(drip[1])
        except OSError:
            pass
        finally:
            if not link.dead:
                link.close()

    def start(self):
        self._threads[0].start()
        return self

    def stop(self):
        self._stopping = True
        with self._lock:
            self._lock.notify_all()
        try:
            self._listener.close()
        except OSError:
            pass
        self.cut(reset=False)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        return False
