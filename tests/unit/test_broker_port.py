"""The local broker's port check: TIME-WAIT leftovers of a crashed broker do not hold the
port; a process that really listens there is named in a one-line error."""

import os
import socket

from streams.broker import HOST, port_holder, port_in_use_message, port_is_free


def test_time_wait_connections_do_not_read_as_in_use() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection((HOST, port))
    conn, _ = server.accept()
    conn.close()  # the side that closes first keeps (HOST, port) in TIME-WAIT
    client.close()
    server.close()
    assert port_is_free(port)


def test_a_listening_process_is_named_with_what_to_do() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind((HOST, 0))
        server.listen()
        port = server.getsockname()[1]
        assert not port_is_free(port)
        holder = port_holder(port)
        assert holder is not None and holder.startswith(f"pid {os.getpid()} ")
        msg = port_in_use_message(port, port)
        assert "\n" not in msg and f"{HOST}:{port}" in msg and f"kill {os.getpid()}" in msg
        assert "--port" in msg and "KAFKA_BOOTSTRAP_SERVERS" in msg
    assert port_holder(port) is None
