"""One web process of `make run` on a listening socket it inherits: python -m comicstudio.serve FD

uvicorn's own `--fd` takes any inherited socket for a Unix one, so a TCP socket handed over
that way loses what asyncio sets on TCP connections (TCP_NODELAY: responses written in
parts waited ~40 ms for the client's delayed ACK) and the client's address (REMOTE_ADDR,
which login throttling counts by). Here the socket is opened as what it is.
"""

from __future__ import annotations

import socket
import sys

import uvicorn


def main(fd: int) -> None:
    listener = socket.socket(fileno=fd)  # family and type read from the socket itself
    config = uvicorn.Config("comicstudio.asgi:application", log_level="info")
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main(int(sys.argv[1]))
