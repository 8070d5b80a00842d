-- The credential generation: bumped in the transaction of every change that can end a standing
-- credential (a session signed out or ended by a password change or deactivation, an API token
-- revoked, a person deactivated or held at a password change), so that a node holding many
-- open live streams reads this one row per event instead of every stream's credential, and
-- re-checks a stream's own credential only when the generation moved (or its expiry passed).
INSERT INTO counters (name, value) VALUES ('credentials', 0);
