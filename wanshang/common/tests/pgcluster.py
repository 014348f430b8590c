"""A throwaway PostgreSQL primary with one streaming replica, for the read-replica tests (test_replicas.py).

Made with the server's own tools in temporary directories on free ports; the machine's PostgreSQL and its
configuration are never touched. PostgreSQL refuses to run as root: when the tests run as root the commands
run as the `postgres` user (runuser), in directories it owns.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _server_programs() -> Path:
    """PG_BIN, else the newest Debian /usr/lib/postgresql/N/bin, else where initdb is on the PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _server_programs()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """`start()` makes and starts both servers; `stop_replica()` / `start_replica()` take the replica away and
    bring it back; `close()` stops both and removes the directories."""

    def __init__(self, *, dbname: str = "wanshang"):
        self.dbname = dbname
        self.as_postgres = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="wanshang-replica-"))
        self.primary_dir = self.base / "primary"
        self.replica_dir = self.base / "replica"
        self.primary_port = _free_port()
        self.replica_port = _free_port()
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)

    # --- commands ---

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(PG_BIN / args[0]) if (PG_BIN / args[0]).exists() else args[0], *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_postgres else cmd

    def _run(self, *args: str, timeout: float = 120) -> str:
        cmd = self._cmd(*args)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.base)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _pg_ctl(self, data: Path, action: str, port: int | None = None) -> None:
        args = ["pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", str(data.parent / f"{data.name}.log")]
        if port is not None:
            # no Unix socket: the tests' socket guard allows only loopback TCP, and the machine's socket
            # directory is not ours to write in
            args += ["-o", f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"]
        if action == "stop":
            args += ["-m", "fast"]
        self._run(*args, action)

    def psql(self, port: int, sql: str) -> str:
        return self._run(
            "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", self.dbname, "-XAtqc", sql
        ).strip()

    # --- life cycle ---

    def start(self) -> "PgCluster":
        self._run(
            "initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        conf = self.primary_dir / "postgresql.conf"
        with open(conf, "a") as f:
            f.write(
                "\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nmax_connections = 60\n"
                "fsync = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
                "hot_standby_feedback = on\nwal_receiver_status_interval = 1s\n"
            )
        with open(self.primary_dir / "pg_hba.conf", "a") as f:
            f.write("\nhost replication postgres 127.0.0.1/32 trust\n")
        self._pg_ctl(self.primary_dir, "start", self.primary_port)
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", self.dbname)
        # -R writes standby.signal and primary_conninfo; -X stream copies the WAL made during the copy; a fast
        # checkpoint starts the copy at once (the default spreads it over minutes)
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(self.replica_dir), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast",
        )  # fmt: skip
        self._pg_ctl(self.replica_dir, "start", self.replica_port)
        self.wait_streaming()
        return self

    def copy_database(self, source_url: str) -> None:
        """Copy a database (schema and rows) into the primary's: a migrated test database takes seconds to copy
        where running the migrations takes a minute. The replica receives it as any other write."""
        dump = subprocess.Popen(
            self._cmd("pg_dump", "--no-owner", "--no-privileges", "-d", source_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.base,
        )
        load = subprocess.run(
            self._cmd(
                "psql", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "-d", self.dbname,
                "-Xq", "-v", "ON_ERROR_STOP=1",
            ),
            stdin=dump.stdout, capture_output=True, text=True, timeout=300, cwd=self.base,
        )  # fmt: skip
        dump.stdout.close()
        dumped = dump.wait(timeout=300)
        if dumped != 0 or load.returncode != 0:
            raise RuntimeError(f"copying {source_url} failed: {dump.stderr.read().decode()}\n{load.stderr}")

    def stop_replica(self) -> None:
        self._pg_ctl(self.replica_dir, "stop")

    def start_replica(self) -> None:
        """Starts it and waits until it streams from the primary again (until then it cannot know what it is
        missing, and the router counts it as lagging)."""
        self._pg_ctl(self.replica_dir, "start", self.replica_port)
        self.wait_streaming()

    def wait_streaming(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            streaming = self.psql(
                self.replica_port,
                "SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')"
                " AND pg_last_wal_receive_lsn() IS NOT NULL",
            )
            if streaming == "t":
                return
            time.sleep(0.05)
        raise TimeoutError(f"the replica did not stream from the primary within {timeout} s")

    def replica_running(self) -> bool:
        return (self.replica_dir / "postmaster.pid").exists()

    def close(self) -> None:
        for data in (self.replica_dir, self.primary_dir):
            if (data / "postmaster.pid").exists():
                try:
                    self._pg_ctl(data, "stop")
                except (RuntimeError, subprocess.TimeoutExpired):
                    pass
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{self.dbname}"

    def wait_replayed(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.psql(self.primary_port, "SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            caught_up = self.psql(self.replica_port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if caught_up == "t":
                return
            time.sleep(0.05)
        raise TimeoutError(f"the replica did not replay up to {target} within {timeout} s")
