-- How each person wants non-alert provisions by mail (警報 always goes at once):
-- 'immediate', 'digest' (one mail listing what arrived) or 'none'.
ALTER TABLE people ADD COLUMN mail_pref TEXT NOT NULL DEFAULT 'digest';
-- When an inbox row went out in a mail (immediately or in a digest).
ALTER TABLE notifications ADD COLUMN mailed_at INTEGER;
