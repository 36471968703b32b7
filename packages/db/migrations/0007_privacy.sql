-- Privacy duties (docs/privacy.md): retention periods per organisation and team, encrypted key
-- backups, erased people, and indexes so that people can read the audit log.

-- ---- Retention -------------------------------------------------------------------------
-- Organisation-wide periods in days, JSON validated by `retentionSettings` in
-- packages/protocol/src/privacy/retention.ts on every read and write; a missing row means the
-- documented defaults.
CREATE TABLE retention_org_settings (
  org_id uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A team's own periods for what belongs to the team (office-hour conversations, queue records,
-- appointments); absent keys follow the organisation.
CREATE TABLE retention_team_settings (
  team_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  overrides jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE
);

-- Retention erases by age; these let it find what is due without reading whole tables.
CREATE INDEX channel_events_age_idx ON channel_events (created_at) WHERE kind = 'message' AND deleted_at IS NULL;
CREATE INDEX files_age_idx ON files (created_at);
CREATE INDEX queue_entries_ended_idx ON queue_entries (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX appointments_end_idx ON appointments (end_at);
CREATE INDEX scheduling_notifications_age_idx ON scheduling_notifications (created_at);
CREATE INDEX audit_log_age_idx ON audit_log (at);

-- ---- Audit log people can read ---------------------------------------------------------
CREATE INDEX audit_log_actor_idx ON audit_log (actor_person_id, id DESC) WHERE actor_person_id IS NOT NULL;
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, id DESC) WHERE subject_id IS NOT NULL;
CREATE INDEX audit_log_org_id_idx ON audit_log (org_id, id DESC);

-- ---- Erasure ---------------------------------------------------------------------------
-- An erased person keeps a pseudonymous row (so that ids in the audit trail and in deleted
-- messages' tombstones point somewhere); everything else about them is removed.
ALTER TABLE people ADD COLUMN erased_at timestamptz;

-- ---- Key backup ------------------------------------------------------------------------
-- One encrypted backup per person, sealed on the device under their recovery key. Opaque here.
CREATE TABLE key_backups (
  person_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  ciphertext bytea NOT NULL CHECK (length(ciphertext) BETWEEN 1 AND 65536),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
