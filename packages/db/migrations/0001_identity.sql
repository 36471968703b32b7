-- Organisations, teams, people, devices, invites and device-key login.
-- Every row carries org_id. Cross-table references include org_id in a composite
-- foreign key, so the database itself refuses a row that points into another organisation.

CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT teams_org_name_key UNIQUE (org_id, name),
  UNIQUE (org_id, id)
);

CREATE TABLE people (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'worker', 'resident')),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  locale text NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);

CREATE TABLE team_members (
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  person_id uuid NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, person_id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_person_idx ON team_members (person_id);

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- Ed25519 public key; the same key signs login challenges and anchors E2EE identity.
  identity_key bytea NOT NULL CHECK (length(identity_key) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  revoked_at timestamptz,
  CONSTRAINT devices_identity_key_key UNIQUE (identity_key),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX devices_person_idx ON devices (person_id);

CREATE TABLE invites (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  -- Only a hash of the code is kept: a database leak does not hand out accounts.
  code_hash bytea NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('person', 'device')),
  role text CHECK (role IN ('admin', 'worker', 'resident')),
  team_id uuid,
  -- For a device link: the person the new device will belong to.
  person_id uuid,
  created_by uuid,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_device uuid,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'person' AND role IS NOT NULL AND person_id IS NULL)
      OR (kind = 'device' AND role IS NULL AND person_id IS NOT NULL AND team_id IS NULL)),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, created_by) REFERENCES people (org_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX invites_org_idx ON invites (org_id, created_at DESC);

CREATE TABLE login_challenges (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  nonce bytea NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX login_challenges_expiry_idx ON login_challenges (expires_at);

CREATE TABLE access_tokens (
  token_hash bytea PRIMARY KEY,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  device_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, device_id) REFERENCES devices (org_id, id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_device_idx ON access_tokens (device_id);
CREATE INDEX access_tokens_expiry_idx ON access_tokens (expires_at);

-- Who did what, never what was said: actions and ids only, no message content.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  org_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
  actor_person_id uuid,
  actor_device_id uuid,
  action text NOT NULL,
  subject_type text,
  subject_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, at DESC);
