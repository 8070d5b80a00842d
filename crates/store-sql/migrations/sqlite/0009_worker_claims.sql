-- Row claims of the background workers, which run on every server node: a node claims rows
-- (claimed_by = its name) until a lease ends (claimed_until, micros); rows another node holds are
-- skipped, and a crashed node's claims lapse and are taken over. Cleared when the work is done.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until INTEGER;
-- The digest worker's claim on a person's unmailed inbox rows.
ALTER TABLE notifications ADD COLUMN mail_claimed_by TEXT;
ALTER TABLE notifications ADD COLUMN mail_claimed_until INTEGER;
