"""Work on a Dask cluster (``dask.distributed``): preprocessing batches and sweep fits.

A scheduler address (``--scheduler tcp://host:8786``, or the environment variable
``TOPICLAB_SCHEDULER``) sends the work that splits into independent pieces to the cluster's
workers: the segmenting and tagging of each fixed batch of documents, and each (k, seed) fit of
a sweep. Pieces are cut as in one process and their results are put back in their order, so
the output is byte-identical to one process. Everything else runs where topiclab was started.
The cluster's workers need the same topiclab and libraries installed.

Dask is an optional extra: ``pip install "topiclab[dask]"``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from topiclab.errors import ConfigError

SCHEDULER_ENV = "TOPICLAB_SCHEDULER"
CONNECT_SECONDS = 10  # how long to try to reach a scheduler before saying so

_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?[^\s:/]+:\d{1,5}")  # [scheme://]host:port
_clients: dict[str, Any] = {}


def scheduler_address() -> str | None:
    """The scheduler work goes to: ``$TOPICLAB_SCHEDULER``, or None (work stays on this machine).

    Example:
        >>> with use_scheduler("tcp://127.0.0.1:8786"):
        ...     scheduler_address()
        'tcp://127.0.0.1:8786'
    """
    return os.environ.get(SCHEDULER_ENV, "").strip() or None


@contextmanager
def use_scheduler(address: str | None) -> Iterator[None]:
    """Within the block, send preprocessing batches and sweep fits to the Dask scheduler at
    ``address`` (None: no change). In a notebook: ``with use_scheduler(client.scheduler.address): ...``.

    Example:
        >>> with use_scheduler("tcp://head:8786"):
        ...     with use_scheduler(None):
        ...         inner = scheduler_address()
        >>> inner, scheduler_address() == "tcp://head:8786"
        ('tcp://head:8786', False)
    """
    if address is None:
        yield
        return
    before = os.environ.get(SCHEDULER_ENV)
    os.environ[SCHEDULER_ENV] = address
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SCHEDULER_ENV, None)
        else:
            os.environ[SCHEDULER_ENV] = before


def client(address: str) -> Any:
    """A ``dask.distributed.Client`` of the scheduler at ``address`` (one a process, reused).

    Example:
        >>> client("head-node")
        Traceback (most recent call last):
        topiclab.errors.ConfigError: --scheduler 'head-node' is not a scheduler address; give one such as tcp://head-node:8786
    """
    if address in _clients and _clients[address].status == "running":
        return _clients[address]
    if not _ADDRESS.fullmatch(address):  # refused before a client exists: a half-made one hangs at exit
        host = address.split("://")[-1].split(":")[0] or "HOST"
        raise ConfigError(f"--scheduler {address!r} is not a scheduler address; give one such as tcp://{host}:8786")
    try:
        from dask.distributed import Client
    except ImportError:
        raise ConfigError(f"a Dask scheduler ({SCHEDULER_ENV} or --scheduler) needs the dask extra: "
                          'pip install "topiclab[dask]"') from None
    try:
        _clients[address] = Client(address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"could not reach the Dask scheduler at {address} ({reason}); start one with "
                          "`dask scheduler` and workers with `dask worker ADDRESS`, or leave --scheduler out") from None
    return _clients[address]


def map_in_order(fn: Callable[..., Any], items: Sequence[Any], address: str, *, shared: Any = None,
                 done: Callable[[int], None] | None = None) -> list[Any]:
    """``[fn(item) for item in items]`` (or ``fn(shared, item)``) on the cluster's workers, in order.

    ``shared`` is sent to the cluster once and given to every call; ``done(i)`` is called as
    each item finishes (for a progress bar).
    """
    from dask.distributed import as_completed

    c = client(address)
    args = [c.scatter(shared, broadcast=True)] if shared is not None else []
    futures = [c.submit(fn, *args, item, pure=False) for item in items]
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for future in as_completed(futures, loop=c.loop):
            if future.status == "error":
                future.result()  # raises the worker's exception here
            if done is not None:
                done(index[future.key])
        return c.gather(futures)
    finally:
        for future in futures:
            future.release()
