-- Source items imported from a STIX 2.1 bundle or a MISP event: what the import read besides the
-- source item's own row — the format, the bundle id or event uuid, the readable text and the
-- indicators (JSON list of the provision form's indicators). One row per imported source item,
-- written in the same transaction as the item.
CREATE TABLE source_item_imports (
    source_item TEXT PRIMARY KEY REFERENCES source_items(id),
    format TEXT NOT NULL,
    external_id TEXT NOT NULL,
    body TEXT NOT NULL,
    indicators TEXT NOT NULL
);
