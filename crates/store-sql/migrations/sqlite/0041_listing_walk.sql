-- The inbox walk: an organisation's copies newest first, addressed to it and sent by it, each a
-- range of its own index (the walk merges the two). The key walk uses copy_audience's primary
-- key (key, created_at, copy_id).
CREATE INDEX copies_addressee_walk ON copies(addressee_org, created_at, id);
CREATE INDEX copies_sender_walk ON copies(sender_org, created_at, id);
