#!/bin/sh
# The read replica: on first start, a copy of the primary (pg_basebackup -R writes standby.signal and the connection
# to stream from); then PostgreSQL as a hot standby that serves read-only queries while it replays the primary's WAL.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -X stream -R -c fast; do
    echo "waiting for the primary to accept the replication connection..."
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
