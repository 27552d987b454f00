-- depends: 0008.object-types
-- Owners: the portal's users that records are assigned to (hubspot_owner_id), read by the
-- owners API (/crm/v3/owners) and added by `spoke owner create` (spoke/domain/owners.py).
-- An owner has its own id (what hubspot_owner_id holds) and its user's id; an archived
-- owner (a deactivated user) keeps both. Every change also bumps definitions_version, so
-- every worker reloads the owners, which are the options of hubspot_owner_id.
CREATE TABLE owners (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER
);
-- No two live owners share an email.
CREATE UNIQUE INDEX owners_live_email ON owners (lower(email)) WHERE archived_at IS NULL;

-- Teams, by name, and which owners are in them (each owner's first team is its primary).
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE owner_teams (
    owner_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    is_primary INTEGER NOT NULL,
    PRIMARY KEY (owner_id, team_id)
) WITHOUT ROWID;

-- The last ids given to an owner, a user and a team; new ids count up from them.
CREATE TABLE owner_ids (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_owner_id INTEGER NOT NULL,
    last_user_id INTEGER NOT NULL,
    last_team_id INTEGER NOT NULL
);
INSERT INTO owner_ids (singleton, last_owner_id, last_user_id, last_team_id)
VALUES (1, 80000000, 1000000, 200000);
