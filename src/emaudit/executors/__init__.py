"""Where jobs run: `local` (this machine, the default) or `ray` (a Ray cluster or local instance).

One module per backend behind `base.Executor`; `get_executor` imports only the one asked for.
"""

from __future__ import annotations

from .base import Executor, Job, JobLost, Resources, in_order

BACKENDS = ("local", "ray")


def get_executor(name: str = "local", *, workers: int | None = None, address: str | None = None) -> Executor:
    """`workers`: processes for `local`, CPUs of a local Ray instance for `ray` (ignored with `address`)."""
    if name == "local":
        from .local import LocalExecutor

        if address is not None:
            from ..errors import UserError

            raise UserError("--address needs --executor ray", field="--address")
        return LocalExecutor(workers or 1)
    if name == "ray":
        from .ray import RayExecutor

        return RayExecutor(address=address, num_cpus=workers)
    from ..errors import UserError

    raise UserError(f"unknown executor {name!r}; known: {', '.join(BACKENDS)}", field="--executor")


__all__ = ["BACKENDS", "Executor", "Job", "JobLost", "Resources", "get_executor", "in_order"]
