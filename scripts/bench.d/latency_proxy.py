#!/usr/bin/env python3
"""Latency-injecting TCP proxy for scripts/bench sftp and ftp (loopback only).

  latency_proxy.py --target-port P [--delay-ms 25] [--port-file F] [--parent-pid PID] [--max-lifetime S]
  latency_proxy.py --ports LO-HI[,LO-HI...] [--listen-host 127.0.0.1] [--target-host 127.0.0.2]
                   [--delay-ms 25] [--handshake] [--port-file F] [--parent-pid PID] [--max-lifetime S]

With --target-port: listens on --listen-host (default 127.0.0.1; an ephemeral port, written to
--port-file once listening) and forwards every connection to --target-host:P (default
127.0.0.1). With --ports (scripts/bench ftp: the control port and every passive port): one
listener per port on --listen-host, each forwarding to the same port on --target-host; the
port file then gets "ready" once all listen. Each chunk read in either direction is released
--delay-ms after it arrived, in order, while reading goes on: the link gets a fixed extra
round trip time (2 x delay) but keeps its full bandwidth (no store-and-forward serialisation).

--handshake also charges the TCP handshake a real link costs (off by default, as sftp uses it):
a client's first bytes reach the server no earlier than 3 x delay after its connect() (SYN,
SYN-ACK, then data) and the server's first bytes reach the client no earlier than 2 x delay
after it, as over a wire. The connection to the server is opened at once, not late: over a
wire the server holds the connection before anything the client sends after connect() can
arrive (an FTP client sends RETR on the control connection right after connecting the data
connection). FTP opens a data connection per transfer and listing, so there this cost
matters.

It stops by itself when --parent-pid is gone (checked every second) or after --max-lifetime
seconds, whichever comes first, and on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import os
import signal
import socket
import sys
import time

CHUNK = 256 * 1024
EOF = None


def nodelay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


async def pipe(reader, writer, delay, not_before=0.0):
    """Reads from `reader`, releases every chunk `delay` seconds after it arrived to `writer`
    (and never before the loop time `not_before`)."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def release():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if data is EOF:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                # Everything else already due goes out in the same write burst.
                while not queue.empty():
                    due, data = queue._queue[0]  # peek (single consumer)
                    if due > loop.time():
                        break
                    queue.get_nowait()
                    if data is EOF:
                        await writer.drain()
                        if writer.can_write_eof():
                            writer.write_eof()
                        return
                    writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return

    releaser = asyncio.create_task(release())
    try:
        while True:
            try:
                data = await reader.read(CHUNK)
            except (ConnectionError, OSError):
                data = b""
            queue.put_nowait((max(loop.time() + delay, not_before), data if data else EOF))
            if not data:
                break
        await releaser
    finally:
        if not releaser.done():
            releaser.cancel()


async def handle(client_reader, client_writer, target_host, target_port, delay, connect_delay, connections):
    connections.add(client_writer)
    server_writer = None
    loop = asyncio.get_running_loop()
    accepted = loop.time()
    try:
        try:
            server_reader, server_writer = await asyncio.wait_for(
                asyncio.open_connection(target_host, target_port), timeout=10)
        except (OSError, asyncio.TimeoutError) as e:
            print("latency_proxy: cannot reach %s:%d: %s" % (target_host, target_port, e), file=sys.stderr)
            return
        connections.add(server_writer)
        nodelay(client_writer)
        nodelay(server_writer)
        # With the handshake charged, the client's bytes leave after its SYN-ACK (2 x delay) and
        # arrive one delay later; the server's leave after the SYN reached it.
        charged = connect_delay > 0
        await asyncio.gather(
            pipe(client_reader, server_writer, delay, accepted + 3 * delay if charged else 0.0),
            pipe(server_reader, client_writer, delay, accepted + 2 * delay if charged else 0.0))
    except asyncio.CancelledError:  # shutting down
        pass
    finally:
        for w in (client_writer, server_writer):
            if w is not None:
                connections.discard(w)
                w.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-port", type=int)
    parser.add_argument("--ports", help="LO-HI[,LO-HI...]: listen on each, forward to the same port")
    parser.add_argument("--listen-host", default="127.0.0.1")
    parser.add_argument("--target-host")
    parser.add_argument("--delay-ms", type=float, default=25.0)
    parser.add_argument("--handshake", action="store_true", help="charge the TCP handshake (3 x delay)")
    parser.add_argument("--port-file")
    parser.add_argument("--parent-pid", type=int, default=0)
    parser.add_argument("--max-lifetime", type=float, default=3 * 3600)
    args = parser.parse_args()
    if (args.target_port is None) == (args.ports is None):
        parser.error("give either --target-port or --ports")
    delay = args.delay_ms / 1000.0
    connect_delay = 3 * delay if args.handshake else 0.0
    connections = set()

    def serve(listen_port, target_host, target_port):
        return asyncio.start_server(
            lambda r, w: handle(r, w, target_host, target_port, delay, connect_delay, connections),
            args.listen_host, listen_port, reuse_address=True)

    servers = []
    if args.ports is None:
        servers.append(await serve(0, args.target_host or "127.0.0.1", args.target_port))
        ready = "%d\n" % servers[0].sockets[0].getsockname()[1]
    else:
        ports = []
        for part in args.ports.split(","):
            lo, _, hi = part.partition("-")
            ports.extend(range(int(lo), int(hi or lo) + 1))
        for p in ports:
            try:
                servers.append(await serve(p, args.target_host or "127.0.0.2", p))
            except OSError as e:
                print("latency_proxy: cannot listen on %s:%d: %s" % (args.listen_host, p, e), file=sys.stderr)
                for srv in servers:
                    srv.close()
                sys.exit(1)
        ready = "ready %d\n" % len(servers)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(ready)
        os.replace(tmp, args.port_file)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)

    async def watchdog():
        end = time.monotonic() + args.max_lifetime
        while time.monotonic() < end:
            if args.parent_pid:
                try:
                    os.kill(args.parent_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
            await asyncio.sleep(1)
        stop.set()

    dog = asyncio.create_task(watchdog())
    await stop.wait()
    dog.cancel()
    for server in servers:
        server.close()
    for w in list(connections):
        w.close()


if __name__ == "__main__":
    asyncio.run(main())
