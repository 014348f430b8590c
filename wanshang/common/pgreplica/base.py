"""The database backend of a read replica (ENGINE "wanshang.common.pgreplica"): PostgreSQL, plus a fall-back.

A read sent to a replica that fails — the replica cannot be reached, went away mid-request, or cancelled the
query for a conflict with recovery — runs again on the primary, so the visitor gets the page, not an error.
A replica whose connection is broken is marked down (wanshang/common/dbrouter.py) and the router sends
nothing more to it until its back-off has passed. Writes never come here: the router sends them to "default".
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql import base as postgresql
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError

from wanshang.common import dbrouter

# Lag in seconds of the replay behind the primary. A standby that has replayed everything it received from a
# live WAL receiver is current however old its last transaction is (an idle primary sends nothing), so the
# commit-timestamp difference counts only while WAL is waiting to be replayed — or when no receiver is
# running, for then the standby cannot know what it is missing. A server not in recovery is a primary.
# ">=", not "=": a restarted standby resumes receiving from the start of a WAL segment, behind what it has
# already replayed, and on an idle primary it would otherwise look behind until the next write.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


class _FallbackMixin:
    """A replica cursor whose failed statement is executed again on the primary; the fetches after it then
    read the primary's cursor."""

    def execute(self, sql, params=None):
        try:
            return super().execute(sql, params)
        except OperationalError:
            if not self.db.fallback_enabled:
                raise
            self.db.replica_failed()
            self._primary = connections[DEFAULT_DB_ALIAS].cursor()
            result = self._primary.execute(sql, params)
            self.cursor = self._primary.cursor
            return result

    def executemany(self, sql, param_list):  # a write: never routed here, never retried
        return super().executemany(sql, param_list)


class FallbackCursorWrapper(_FallbackMixin, CursorWrapper):
    pass


class FallbackCursorDebugWrapper(_FallbackMixin, postgresql.CursorDebugWrapper):
    pass


class DatabaseWrapper(postgresql.DatabaseWrapper):
    fallback_enabled = True

    def _cursor(self, name=None):
        try:
            return super()._cursor(name)
        except OperationalError:  # could not connect (or the health check of a kept connection failed)
            if not self.fallback_enabled:
                raise
            self.replica_failed()
            return connections[DEFAULT_DB_ALIAS]._cursor(name)

    def make_cursor(self, cursor):
        return FallbackCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return FallbackCursorDebugWrapper(cursor, self)

    def replica_failed(self) -> None:
        """After a failed statement: a replica whose connection still answers only refused that query (a
        conflict with recovery); one that does not is marked down and its connection dropped."""
        if self.connection is not None and not self.connection.closed and self.is_usable():
            return
        dbrouter.mark_down(self.alias)
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - the connection is gone already; closing it is tidying up
            pass

    def replication_lag(self) -> float:
        """Seconds of replay lag (0 for a current standby); raises OperationalError if unreachable. A kept
        connection that died since (the replica restarted, an idle timeout) gets one fresh try: this check is
        also the health check of the connection, so Django's own (a query per request) is not needed."""
        try:
            return self._lag()
        except OperationalError:
            if self.connection is None:  # could not connect at all
                raise
            with contextlib.suppress(Exception):
                self.close()
            return self._lag()

    def _lag(self) -> float:
        self.ensure_connection()
        with self.wrap_database_errors, self.connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
