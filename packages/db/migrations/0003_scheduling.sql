-- Scheduling: office hours (chatspreekuur), duty, the live queue, appointments, reminders and
-- calendar feeds. Instants are timestamptz; schedules are JSON validated by the zod schemas in
-- packages/protocol/src/scheduling.ts on every read and write. Nothing here holds what people
-- write: office-hour conversations are end-to-end encrypted chat channels (0002).
-- Runs unchanged on embedded PGlite and real PostgreSQL: no extensions.

-- ---- Organisation settings -------------------------------------------------------------
CREATE TABLE scheduling_org_settings (
  org_id uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  -- Residents' names in workers' calendar files and feeds (off: the kind of appointment only).
  calendar_resident_names boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---- Office hours and the queue of a team ----------------------------------------------
-- One row per team that uses office hours. Its row lock (SELECT … FOR UPDATE) serialises every
-- change to the team's queue: joins get their sequence in commit order and a conversation is
-- assigned at most once.
CREATE TABLE office_hour_teams (
  team_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  -- Weekly schedule plus date overrides; null until the team publishes hours (closed until then).
  hours jsonb,
  -- Queue settings (auto-assign, what happens when hours end, capacity per worker).
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  queue_version bigint NOT NULL DEFAULT 0,
  next_sequence bigint NOT NULL DEFAULT 1,
  -- When each worker last got a conversation (the tie-break of auto-assignment).
  last_assigned_at jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz,
  UNIQUE (org_id, team_id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE
);

-- Rostered duty: a worker takes office-hour conversations of the team during [start_at, end_at).
CREATE TABLE duty_shifts (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  worker_id uuid NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (start_at < end_at),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, worker_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX duty_shifts_team_idx ON duty_shifts (team_id, end_at);

-- A worker switching themselves on or off duty; holds until the end of that opening.
CREATE TABLE duty_toggles (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  worker_id uuid NOT NULL,
  on_duty boolean NOT NULL,
  at timestamptz NOT NULL,
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, worker_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX duty_toggles_team_idx ON duty_toggles (team_id, at);

-- Office-hour conversations in a team's queue. Live ones (waiting, assigned, on hold) form the
-- queue state; closed and left ones stay for the wait estimate (handling times) until purged.
CREATE TABLE queue_entries (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  resident_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  -- Order of joining within the team: first come, first served.
  sequence bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('waiting', 'assigned', 'on_hold', 'closed', 'left')),
  as_question boolean NOT NULL,
  -- The resident's zone, for the times they are shown.
  time_zone text NOT NULL,
  joined_at timestamptz NOT NULL,
  worker_id uuid,
  assigned_at timestamptz,
  held_at timestamptz,
  -- Workers made members of the channel for this conversation (removed again when it ends).
  reader_ids uuid[] NOT NULL DEFAULT '{}',
  ended_at timestamptz,
  outcome text CHECK (outcome IS NULL OR outcome IN ('resolved', 'referred', 'appointment_booked', 'follow_up_needed', 'no_response', 'other')),
  handling_seconds integer,
  CONSTRAINT queue_entries_team_sequence_key UNIQUE (team_id, sequence),
  CHECK ((status IN ('assigned', 'on_hold')) = (worker_id IS NOT NULL AND assigned_at IS NOT NULL)
         OR status IN ('closed', 'left')),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, resident_id) REFERENCES people (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, channel_id) REFERENCES channels (org_id, id) ON DELETE CASCADE
);
-- One live conversation per resident and team (the domain refuses it; this guards it).
CREATE UNIQUE INDEX queue_entries_live_resident_key ON queue_entries (team_id, resident_id)
  WHERE status IN ('waiting', 'assigned', 'on_hold');
CREATE INDEX queue_entries_live_idx ON queue_entries (team_id, sequence)
  WHERE status IN ('waiting', 'assigned', 'on_hold');
CREATE INDEX queue_entries_handled_idx ON queue_entries (team_id, ended_at DESC) WHERE status = 'closed';
CREATE INDEX queue_entries_resident_idx ON queue_entries (resident_id, joined_at DESC);

-- ---- Appointments ----------------------------------------------------------------------
CREATE TABLE appointment_types (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  -- Kind, name, duration, buffers, notice, window, per-day limit, location (face to face).
  definition jsonb NOT NULL,
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE
);
CREATE INDEX appointment_types_team_idx ON appointment_types (team_id) WHERE archived_at IS NULL;

-- A worker's appointment calendar: availability and the calendar-feed secret (its SHA-256 only).
-- Its row lock serialises the worker's bookings: the overlap check and the insert happen under it.
CREATE TABLE worker_calendars (
  worker_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  availability jsonb,
  feed_token_hash bytea UNIQUE,
  feed_created_at timestamptz,
  updated_at timestamptz,
  FOREIGN KEY (org_id, worker_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);

CREATE TABLE appointments (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  appointment_type_id uuid NOT NULL,
  worker_id uuid NOT NULL,
  resident_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('chat', 'phone', 'video', 'in_person')),
  location jsonb,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  -- Copied from the type when booked: editing the type later does not move existing bookings.
  buffer_before_minutes integer NOT NULL CHECK (buffer_before_minutes >= 0),
  buffer_after_minutes integer NOT NULL CHECK (buffer_after_minutes >= 0),
  status text NOT NULL CHECK (status IN ('booked', 'cancelled')),
  -- iCalendar SEQUENCE: +1 on every reschedule and on cancel.
  sequence integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  cancelled_by text CHECK (cancelled_by IS NULL OR cancelled_by IN ('resident', 'worker')),
  CHECK (start_at < end_at),
  CHECK ((kind = 'in_person') = (location IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, appointment_type_id) REFERENCES appointment_types (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, worker_id) REFERENCES people (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, resident_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
-- The second guard against double booking (the first is the worker_calendars row lock plus
-- the overlap check): one booked appointment per worker and start instant.
CREATE UNIQUE INDEX appointments_worker_start_key ON appointments (worker_id, start_at) WHERE status = 'booked';
CREATE INDEX appointments_worker_idx ON appointments (worker_id, start_at);
CREATE INDEX appointments_resident_idx ON appointments (resident_id, start_at);

-- ---- Jobs and notifications ------------------------------------------------------------
-- Durable jobs (reminders, queue openings and closings), claimed by a poller on every node
-- with FOR UPDATE SKIP LOCKED and a lease, so a restart or a second node never loses or doubles one.
CREATE TABLE scheduling_jobs (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  -- Unique per planned occurrence: planning twice is harmless.
  key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('reminder', 'team_tick')),
  due_at timestamptz NOT NULL,
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT scheduling_jobs_key_key UNIQUE (key)
);
CREATE INDEX scheduling_jobs_due_idx ON scheduling_jobs (due_at) WHERE done_at IS NULL;

-- In-app notifications: ids and times only, never content.
CREATE TABLE scheduling_notifications (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  person_id uuid NOT NULL,
  kind text NOT NULL,
  data jsonb NOT NULL,
  -- A job that runs twice (lease expired mid-way) does not notify twice.
  dedupe_key text,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  CONSTRAINT scheduling_notifications_dedupe_key UNIQUE (dedupe_key),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX scheduling_notifications_person_idx ON scheduling_notifications (person_id, created_at DESC);
