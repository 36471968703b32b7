-- Moderated group channels and reports under end-to-end encryption (docs/moderation.md).
-- Nothing here is message content: franking values are commitments and keyed digests, and a
-- report's reveal is sealed to the moderators' devices (packages/crypto/SPEC.md §13).

-- Moderation actions are entries of the channel log, so every device sees them.
ALTER TABLE channel_events DROP CONSTRAINT channel_events_kind_check;
ALTER TABLE channel_events ADD CONSTRAINT channel_events_kind_check
  CHECK (kind IN ('message', 'member_added', 'member_removed', 'message_deleted', 'settings_changed', 'moderation'));

-- Slow mode of a group (a row only once a moderator set it).
CREATE TABLE channel_moderation (
  channel_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  slow_mode_seconds integer NOT NULL DEFAULT 0 CHECK (slow_mode_seconds BETWEEN 0 AND 3600),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);

-- Per member of a group: muted until, and when they last posted (kept only under slow mode).
CREATE TABLE channel_member_moderation (
  channel_id uuid NOT NULL,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  muted_until timestamptz,
  last_message_at timestamptz,
  PRIMARY KEY (channel_id, person_id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);

-- A banned person cannot be added again until unbanned.
CREATE TABLE channel_bans (
  channel_id uuid NOT NULL,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  banned_by uuid,
  banned_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, person_id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);

CREATE TABLE channel_pins (
  channel_id uuid NOT NULL,
  seq bigint NOT NULL,
  org_id uuid NOT NULL,
  pinned_by uuid,
  pinned_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, seq),
  FOREIGN KEY (channel_id, seq) REFERENCES channel_events (channel_id, seq) ON DELETE CASCADE
);

-- Message franking: the sender's commitment and the server's tag binding it to sender,
-- channel, seq and time. Kept when the message is deleted, so it can still be reported.
CREATE TABLE message_franking (
  channel_id uuid NOT NULL,
  seq bigint NOT NULL,
  commitment bytea NOT NULL CHECK (length(commitment) = 32),
  server_tag bytea NOT NULL CHECK (length(server_tag) = 32),
  PRIMARY KEY (channel_id, seq),
  FOREIGN KEY (channel_id, seq) REFERENCES channel_events (channel_id, seq) ON DELETE CASCADE
);

CREATE TABLE message_reports (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  seq bigint NOT NULL,
  reporter_person_id uuid NOT NULL,
  reporter_device_id uuid NOT NULL,
  reason text NOT NULL CHECK (reason IN ('spam', 'harassment', 'threat', 'inappropriate', 'other')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'action_taken')),
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by uuid,
  -- One report per person and message: a replayed report is refused.
  UNIQUE (channel_id, seq, reporter_person_id),
  FOREIGN KEY (channel_id, seq) REFERENCES channel_events (channel_id, seq) ON DELETE CASCADE
);
CREATE INDEX message_reports_org_idx ON message_reports (org_id, created_at);
CREATE INDEX message_reports_channel_idx ON message_reports (channel_id, status);

-- The reveal (plaintext, franking key, note) sealed to one moderator device: opaque here.
CREATE TABLE message_report_reveals (
  report_id uuid NOT NULL REFERENCES message_reports (id) ON DELETE CASCADE,
  device_id uuid NOT NULL,
  ciphertext bytea NOT NULL,
  PRIMARY KEY (report_id, device_id)
);
