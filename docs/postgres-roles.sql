-- An example of the roles for a shared PostgreSQL ledger. This is not a migration and
-- hindsight never runs it; a database administrator (a superuser, or a role with
-- CREATEROLE and CREATE on the database) runs it with psql, adapting it as needed:
--
--     psql -v schema=hindsight -d DATABASE -f docs/postgres-roles.sql
--
-- It makes three roles:
--   hindsight_owner   owns the ledger's schema and its tables; hindsight connects as
--                     this role to create the tables and to upgrade them.
--   hindsight_writer  what hindsight uses day to day: it may read every table and add
--                     rows to every table, and change or remove rows only in
--                     open_claims, the list of unresolved claims hindsight keeps current.
--                     It cannot alter the history even without the append-only
--                     triggers, nor create, alter or drop anything.
--   hindsight_reader  may only read: for reports, dashboards and exports.
--
-- Run it twice: once before hindsight first creates the tables (it makes the roles and
-- the schema and arranges that every table the owner creates later is readable and
-- insertable), and once after (the grant on open_claims needs the table to exist).
-- Running it again at any time is harmless.
--
-- The roles are made without passwords; set them afterwards with psql's \password, or
-- let pg_hba.conf authenticate them another way.
--
-- hindsight numbers rows itself (no sequences), so INSERT is all a writer needs to add
-- records. Advisory locks (pg_advisory_xact_lock), which every write takes, are open to
-- every role by default, so the writer needs no grant for them either.

\set ON_ERROR_STOP on

-- The schema that holds the ledger (psql -v schema=NAME); 'hindsight' by default.
\if :{?schema}
\else
    \set schema hindsight
\endif

-- The roles, each made only if it does not exist yet.
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hindsight_owner') AS make_owner,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hindsight_writer') AS make_writer,
       NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hindsight_reader') AS make_reader
\gset
\if :make_owner
    CREATE ROLE hindsight_owner LOGIN;
\endif
\if :make_writer
    CREATE ROLE hindsight_writer LOGIN;
\endif
\if :make_reader
    CREATE ROLE hindsight_reader LOGIN;
\endif

-- The schema belongs to the owner, who may therefore create tables in it; the others may
-- only look up names in it. (An existing schema keeps its owner: change it with
-- ALTER SCHEMA ... OWNER TO hindsight_owner.)
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION hindsight_owner;
GRANT USAGE ON SCHEMA :"schema" TO hindsight_writer, hindsight_reader;

-- Each role finds the ledger's tables without qualifying them. (hindsight may also set
-- the search path on its connection; that overrides this.)
ALTER ROLE hindsight_owner IN DATABASE :"DBNAME" SET search_path = :"schema";
ALTER ROLE hindsight_writer IN DATABASE :"DBNAME" SET search_path = :"schema";
ALTER ROLE hindsight_reader IN DATABASE :"DBNAME" SET search_path = :"schema";

-- Tables the owner creates from now on (every migration, present and future) are
-- readable by both roles and insertable by the writer, with no further grants.
ALTER DEFAULT PRIVILEGES FOR ROLE hindsight_owner IN SCHEMA :"schema"
    GRANT SELECT, INSERT ON TABLES TO hindsight_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE hindsight_owner IN SCHEMA :"schema"
    GRANT SELECT ON TABLES TO hindsight_reader;

-- Tables that are already there (when this runs after the tables were created).
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA :"schema" TO hindsight_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO hindsight_reader;

-- open_claims is the one table the writer changes and deletes from. The version table
-- is the owner's alone to write: the writer keeps only SELECT on it.
SELECT to_regclass(format('%I.open_claims', :'schema')) IS NOT NULL AS have_open_claims,
       to_regclass(format('%I.hindsight_schema', :'schema')) IS NOT NULL AS have_version_table
\gset
\if :have_open_claims
    GRANT UPDATE, DELETE ON :"schema".open_claims TO hindsight_writer;
\else
    \echo 'open_claims does not exist yet: run this file again once hindsight has created the tables.'
\endif
\if :have_version_table
    REVOKE INSERT, UPDATE, DELETE ON :"schema".hindsight_schema FROM hindsight_writer;
\endif

