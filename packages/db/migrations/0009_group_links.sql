-- Group links and approval to join (docs/moderation.md). A link's token is never stored, only
-- its SHA-256, so a copy of the database cannot be used to join a group.

ALTER TABLE channel_moderation ADD COLUMN approval_required boolean NOT NULL DEFAULT false;

CREATE TABLE channel_links (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_by uuid,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid,
  uses integer NOT NULL DEFAULT 0,
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);
CREATE INDEX channel_links_channel_idx ON channel_links (channel_id, created_at);

-- Who opened a link of a group that requires approval, until a moderator decides.
CREATE TABLE channel_join_requests (
  channel_id uuid NOT NULL,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  link_id uuid REFERENCES channel_links (id) ON DELETE SET NULL,
  requested_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, person_id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
