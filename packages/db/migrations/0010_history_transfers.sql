-- History transfer (packages/crypto SPEC §15.2, docs/privacy.md): when a person approves a new
-- device, the approving device seals the history it holds to the new device's identity key. The
-- server keeps the opaque bytes for the new device until it fetches and acknowledges them, or
-- for 7 days at most. One row per target device; erasing either device (or the person) removes it.
CREATE TABLE history_transfers (
  to_device_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  from_device_id uuid NOT NULL,
  ciphertext bytea NOT NULL CHECK (length(ciphertext) BETWEEN 1 AND 4194304),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  FOREIGN KEY (org_id, to_device_id) REFERENCES devices (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, from_device_id) REFERENCES devices (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX history_transfers_expiry_idx ON history_transfers (org_id, expires_at);
CREATE INDEX history_transfers_person_idx ON history_transfers (person_id);
