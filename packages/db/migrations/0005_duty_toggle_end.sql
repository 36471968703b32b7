-- A worker's duty switch (duty_toggles) holds until the end of the opening it was made in. That
-- end used to be worked out again on every read from the hours published now, so editing the
-- hours later could stretch or move it: a switch made in evening hours that were then taken away
-- held through the next day's opening, and a switch-off could swallow a rostered shift. Now the
-- end is fixed when the switch is made.
ALTER TABLE duty_toggles ADD COLUMN ends_at timestamptz;
ALTER TABLE duty_toggles ADD CONSTRAINT duty_toggles_ends_after_made CHECK (ends_at IS NULL OR ends_at >= at);

-- Switches made before this migration have no end yet (NULL). SQL cannot evaluate a schedule
-- (zones, daylight saving, overrides), so the scheduling service fills them in once when it starts,
-- from the hours published then: the same end it read them with until now, so who is on duty does
-- not change at the upgrade, and from then on later edits cannot move it. Until filled in (and for
-- a switch made by a node still running the older code during a rolling upgrade, filled in by the
-- next hourly housekeeping) a NULL is read as before, from the hours published at that moment.
