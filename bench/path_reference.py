#!/usr/bin/env python3
"""The reference client of bench/haproxy-health: the steps haproxy-health takes on a mail path, made as plainly as
Python's standard library allows, one connection at a time, each phase timed with perf_counter right around the
socket call that ends it.

    path_reference.py CA_FILE ATTEMPTS NAME=HOST:PORT:PROTOCOL[:v2] ...

PROTOCOL is smtp (greeting's first line; postscreen's "220-" ends it, as the worker hangs up there), smtp-starttls
(greeting, EHLO, STARTTLS, handshake, QUIT) or imaps (handshake, "* OK" greeting, LOGOUT). v2 sends a PROXY v2 header
first. Prints one line per target: NAME and the median of connect, greeting, tls and attempt in milliseconds ("-"
where a phase does not apply).
"""
import socket
import ssl
import statistics
import struct
import sys
import time


def proxy_v2(source, destination):
    # PROXY protocol v2, TCP over IPv4 (the specification's section 2.2): signature, PROXY command, family, addresses.
    body = socket.inet_aton(source[0]) + socket.inet_aton(destination[0]) + struct.pack("!HH", source[1], destination[1])
    return b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x21, 0x11]) + struct.pack("!H", len(body)) + body


def read_line(stream, first_byte=None):
    line = b""
    while not line.endswith(b"\n"):
        byte = stream.recv(1)
        if not byte:
            raise ConnectionError("closed")
        if not line and first_byte is not None:
            first_byte()
        line += byte
    return line.decode("ascii").rstrip("\r\n")


def read_reply(stream):
    lines = [read_line(stream)]
    while len(lines[-1]) > 3 and lines[-1][3] == "-":
        lines.append(read_line(stream))
    return lines


def attempt(host, port, protocol, proxy, context):
    phases = {}
    start = time.perf_counter()
    sock = socket.create_connection((host, port))
    phases["connect"] = time.perf_counter() - start
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    stream = sock
    try:
        if proxy:
            sock.sendall(proxy_v2(("203.0.113.10", 40000), (host, port)))
        if protocol == "imaps":
            began = time.perf_counter()
            stream = context.wrap_socket(sock, server_hostname=host)
            phases["tls"] = time.perf_counter() - began
        waiting = time.perf_counter()
        arrived = []
        greeting = read_line(stream, lambda: arrived.append(time.perf_counter()))
        phases["greeting"] = arrived[0] - waiting
        if protocol == "imaps":
            stream.sendall(b"a LOGOUT\r\n")
        elif protocol == "smtp-starttls":
            while greeting[3] == "-":
                greeting = read_line(stream)
            stream.sendall(b"EHLO reference.invalid\r\n")
            read_reply(stream)
            stream.sendall(b"STARTTLS\r\n")
            read_reply(stream)
            began = time.perf_counter()
            stream = context.wrap_socket(sock, server_hostname=host)
            phases["tls"] = time.perf_counter() - began
            stream.sendall(b"QUIT\r\n")
            read_reply(stream)
        elif greeting[3] == " ":
            stream.sendall(b"QUIT\r\n")
            read_reply(stream)
    finally:
        stream.close()
    phases["attempt"] = time.perf_counter() - start
    return phases


def main():
    ca_file, attempts = sys.argv[1], int(sys.argv[2])
    context = ssl.create_default_context(cafile=ca_file)
    for spec in sys.argv[3:]:
        name, target = spec.split("=", 1)
        host, port, protocol, *rest = target.split(":")
        results = [attempt(host, int(port), protocol, rest == ["v2"], context) for _ in range(attempts)]
        medians = []
        for phase in ("connect", "greeting", "tls", "attempt"):
            values = [r[phase] for r in results if phase in r]
            medians.append(f"{statistics.median(values) * 1000:.2f}" if values else "-")
        print(name, *medians)


main()
