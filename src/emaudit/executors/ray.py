"""`ray`: jobs as Ray tasks with their declared resources, on a cluster (`address`) or on a local instance.

Ray retries a task whose worker died (`max_retries`); a job's own exception is not retried. Usage statistics
stay off and no dashboard is started. A local instance listens on 127.0.0.1 only: Ray binds its servers to
loopback when its node address is loopback, which it is when its single-machine mode (the one it uses on macOS and
Windows) is set before Ray is imported. Ray imported earlier (a notebook) cannot be switched: then one line on
stderr says so and names the token authentication that guards the servers.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import UserError
from .base import MARKERS_ENV, Executor, Job, JobLost, run_job

ADDRESS_RE = re.compile(r"^(auto|[A-Za-z0-9.\-]+:\d{1,5})$")
MAX_RETRIES = 3
SINGLE_MACHINE_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"   # "0": Ray's node address is loopback (read at import)


def check_address(address: str | None) -> str | None:
    if address is not None and not ADDRESS_RE.match(address):
        raise UserError(f"{address!r} is not 'auto' or HOST:PORT", field="--address")
    return address


def _reachable(address: str, timeout_s: float = 5.0) -> None:
    """Fail fast on a HOST:PORT nothing answers at (Ray itself would retry for minutes)."""
    import socket

    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            pass
    except OSError as e:
        raise UserError(f"cannot reach the Ray cluster at {address}: {e.strerror or e}", field="--address") from None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _say_if_beyond_loopback(node_ip: str) -> None:
    if _is_loopback(node_ip):
        return
    mode = os.environ.get("RAY_AUTH_MODE", "")
    guard = ("Ray's token authentication guards it" if mode.lower() == "token" else
             f"Ray's token authentication is off (RAY_AUTH_MODE={mode}): firewall its ports")
    print(f"emaudit: note: the local Ray instance listens beyond loopback, on {node_ip} (Ray was imported before "
          f"emaudit could keep it on 127.0.0.1); {guard}", file=sys.stderr)


class RayExecutor(Executor):
    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 max_retries: int = MAX_RETRIES) -> None:
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"   # never phone home, whatever the environment says
        if address is None and "ray" not in sys.modules:
            os.environ[SINGLE_MACHINE_ENV] = "0"        # our own instance: servers on 127.0.0.1 only
        try:
            import ray
        except ImportError:
            raise UserError("the ray executor needs Ray: pip install 'emaudit[ray]' (ray==2.60.0)",
                            field="--executor") from None
        self._ray = ray
        self.address = check_address(address)
        self.max_retries = max_retries
        self.markers = os.environ.get(MARKERS_ENV) or None
        self._owns = False
        if not ray.is_initialized():
            options: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
            if address is None:
                options.update(address="local", num_cpus=num_cpus or os.cpu_count() or 1, include_dashboard=False)
            else:
                if address != "auto":
                    _reachable(address)
                options["address"] = address
            try:
                ray.init(**options)
            except (ConnectionError, RuntimeError, ValueError) as e:
                where = f"the Ray cluster at {address}" if address else "a local Ray instance"
                raise UserError(f"cannot start or reach {where}: {str(e).splitlines()[0]}",
                                field="--address") from None
            self._owns = True
            if address is None:
                _say_if_beyond_loopback(ray.util.get_node_ip_address())
        self._task = ray.remote(run_job)

    @property
    def slots(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    def run(self, jobs: Iterable[Job], *, max_in_flight: int | None = None) -> Iterator[tuple[Job, Any]]:
        ray = self._ray
        limit = max(1, max_in_flight or 2 * self.slots)
        pending = iter(jobs)
        in_flight: dict[Any, Job] = {}

        def submit() -> bool:
            job = next(pending, None)
            if job is None:
                return False
            r = job.resources
            options: dict[str, Any] = {"num_cpus": r.cpus, "num_gpus": r.gpus, "max_retries": self.max_retries,
                                       "retry_exceptions": False, "name": job.key}
            if r.memory_mb:
                options["memory"] = r.memory_mb * 1024 * 1024
            ref = self._task.options(**options).remote(job.fn, job.args, job.key, self.markers)
            in_flight[ref] = job
            return True

        try:
            while len(in_flight) < limit and submit():
                pass
            while in_flight:
                ready, _ = ray.wait(list(in_flight), num_returns=1)
                job = in_flight.pop(ready[0])
                try:
                    result = ray.get(ready[0])
                except ray.exceptions.RayTaskError as e:   # the job raised: raise the same exception here
                    cause = getattr(e, "cause", None)
                    raise (cause if isinstance(cause, BaseException) else e) from None
                except ray.exceptions.RayError as e:       # its worker or node died after all retries
                    raise JobLost(f"job {job.key} was lost: its worker died {self.max_retries + 1} times "
                                  f"({type(e).__name__}); run the same command again to resume") from None
                yield job, result
                submit()
        finally:
            for ref in in_flight:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)

    def close(self) -> None:
        if self._owns:
            self._ray.shutdown()
            self._owns = False
