#!/bin/sh
# Runs once, when the primary's data directory is first created (docker-entrypoint-initdb.d): a role the replica
# copies and streams with, and the pg_hba line that lets it.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
create role replicator with replication login password '${REPLICATION_PASSWORD:-replicator}';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
