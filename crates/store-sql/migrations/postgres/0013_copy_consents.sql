-- Consent requests also for liaison copies: a holder that would forward a copy under a looser
-- TLP than its sender chose asks that sender first. Such a request names no provision; its
-- source is `copy:<id>` and it records the requesting organisation.
ALTER TABLE consent_requests ALTER COLUMN provision_id DROP NOT NULL;
ALTER TABLE consent_requests ADD COLUMN requester_org TEXT;
ALTER TABLE consent_requests ADD CONSTRAINT consent_requests_one_subject
    CHECK ((provision_id IS NULL) = (source LIKE 'copy:%'));
CREATE INDEX consent_requests_source ON consent_requests(source, created_at);
