-- Chat: key directory, channels, the per-channel event log, receipts and encrypted files.
-- The server stores ciphertext and routing metadata only; plaintext never arrives here.

-- ---- Key directory -------------------------------------------------------------------
-- Current signed prekeys of a device (X25519 and ML-KEM-768), as opaque bytes the clients verify.
CREATE TABLE device_signed_prekeys (
  device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  signed_prekey_id integer NOT NULL,
  signed_prekey bytea NOT NULL,
  signed_prekey_signature bytea NOT NULL,
  kem_prekey_id integer NOT NULL,
  kem_prekey bytea NOT NULL,
  kem_prekey_signature bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One-time prekeys: each is handed out exactly once (deleted as it is claimed).
CREATE TABLE device_one_time_prekeys (
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  key_id integer NOT NULL,
  public_key bytea NOT NULL,
  PRIMARY KEY (device_id, key_id)
);

-- ---- Channels ------------------------------------------------------------------------
CREATE TABLE channels (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('direct', 'group', 'office_hour')),
  -- Group name is chosen by its creator (a trainer); not message content.
  name text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200),
  -- For direct channels: the two person ids, sorted, so a pair has one channel.
  direct_key text UNIQUE,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Disappearing messages: ciphertext is deleted this long after it was sent.
  disappearing_seconds integer CHECK (disappearing_seconds IS NULL OR disappearing_seconds BETWEEN 60 AND 31536000),
  announcements_only boolean NOT NULL DEFAULT false,
  -- The last sequence number handed out; the row lock on it orders the channel's log.
  last_seq bigint NOT NULL DEFAULT 0,
  UNIQUE (org_id, id),
  CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
);

CREATE TABLE channel_members (
  channel_id uuid NOT NULL,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
  -- The member sees the log from joined_seq; after leaving, up to left_seq.
  joined_seq bigint NOT NULL,
  left_seq bigint,
  PRIMARY KEY (channel_id, person_id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX channel_members_person_idx ON channel_members (person_id) WHERE left_seq IS NULL;

-- The channel log: messages, membership changes, deletions and settings, in seq order.
CREATE TABLE channel_events (
  channel_id uuid NOT NULL,
  seq bigint NOT NULL,
  org_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('message', 'member_added', 'member_removed', 'message_deleted', 'settings_changed')),
  sender_person_id uuid,
  sender_device_id uuid,
  -- Idempotency key chosen by the sending device: a resend returns the first ack.
  client_id text,
  envelope_kind text CHECK (envelope_kind IN ('pairwise', 'group')),
  -- Sender-key ciphertext, stored once for every member device.
  group_ciphertext bytea,
  -- For group messages: the devices the sender holds a sender key for (checked on send).
  recipient_devices uuid[],
  replaces_seq bigint,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  deleted_at timestamptz,
  PRIMARY KEY (channel_id, seq),
  CONSTRAINT channel_events_client_id_key UNIQUE (channel_id, sender_device_id, client_id),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);
CREATE INDEX channel_events_expiry_idx ON channel_events (expires_at) WHERE expires_at IS NOT NULL AND deleted_at IS NULL;

-- Pairwise ciphertext: one per recipient device of a message.
CREATE TABLE channel_event_payloads (
  channel_id uuid NOT NULL,
  seq bigint NOT NULL,
  recipient_device_id uuid NOT NULL,
  ciphertext bytea NOT NULL,
  PRIMARY KEY (channel_id, seq, recipient_device_id),
  FOREIGN KEY (channel_id, seq) REFERENCES channel_events (channel_id, seq) ON DELETE CASCADE
);

-- Delivery and read cursors per device and channel (receipts; catch-up starting point).
CREATE TABLE device_channel_cursors (
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  delivered_seq bigint NOT NULL DEFAULT 0,
  read_seq bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, channel_id)
);

-- ---- Encrypted files -----------------------------------------------------------------
CREATE TABLE files (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL,
  uploader_person_id uuid NOT NULL,
  uploader_device_id uuid NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  chunk_count integer NOT NULL CHECK (chunk_count > 0),
  completed_at timestamptz,
  expires_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);
CREATE INDEX files_org_idx ON files (org_id) WHERE deleted_at IS NULL;
CREATE INDEX files_expiry_idx ON files (expires_at) WHERE expires_at IS NOT NULL AND deleted_at IS NULL;

-- The blob store's Postgres implementation: ciphertext in chunks.
CREATE TABLE blob_chunks (
  blob_id uuid NOT NULL,
  chunk_index integer NOT NULL CHECK (chunk_index >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (blob_id, chunk_index)
);

-- Presence preference: a worker can hide their online status.
ALTER TABLE people ADD COLUMN presence_hidden boolean NOT NULL DEFAULT false;
