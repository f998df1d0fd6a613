"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, 127.0.0.1 only.

initdb and pg_ctl refuse to run as root; as root they run as the ``postgres`` user through runuser.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_bin() -> Path | None:
    """The folder of initdb/pg_ctl: $PATH first, then Debian's /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """``url(db)`` names a database; ``create()`` makes a fresh one."""

    def __init__(self, base_url: str, folder: Path | None = None, run_as: list[str] | None = None,
                 bin_dir: Path | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.folder = folder
        self.run_as = run_as or []
        self.bin_dir = bin_dir

    @classmethod
    def start(cls, *, durable: bool = False) -> Cluster:
        """Start one; ``durable`` keeps fsync on (benchmarks), else it is off (tests: faster, nothing to keep)."""
        bin_dir = find_bin()
        if bin_dir is None:
            raise FileNotFoundError("PostgreSQL binaries (initdb, pg_ctl) not found")
        folder = Path(tempfile.mkdtemp(prefix="emaudit-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:
            run_as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")
        data = folder / "data"
        subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "emaudit",
                        "--no-sync"], check=True, capture_output=True)
        for _attempt in range(3):  # another process may take the free port before the server binds it
            port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=100"
            if not durable:
                options += " -c fsync=off"
            started = subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                                      "-o", options, "-w", "start"], capture_output=True, text=True)
            if started.returncode == 0:
                return cls(f"postgresql://emaudit@127.0.0.1:{port}", folder, run_as, bin_dir)
        log = (folder / "log").read_text(errors="replace")[-2000:] if (folder / "log").exists() else started.stderr
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {log}")

    def url(self, database: str) -> str:
        return f"{self.base_url}/{database}"

    def create(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.folder is None or self.bin_dir is None:
            return
        subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)
