-- depends: 0008.object-types
-- The same tables, with the same meaning, as migrations/sqlite/0010.owners.sql: owners,
-- their teams, and the sequences their ids come from.
CREATE TABLE owners (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE UNIQUE INDEX owners_live_email ON owners (lower(email)) WHERE archived_at IS NULL;

CREATE TABLE teams (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE owner_teams (
    owner_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    is_primary BOOLEAN NOT NULL,
    PRIMARY KEY (owner_id, team_id)
);

CREATE SEQUENCE owner_ids AS BIGINT START WITH 80000001;
CREATE SEQUENCE owner_user_ids AS BIGINT START WITH 1000001;
CREATE SEQUENCE team_ids AS BIGINT START WITH 200001;
