-- 早期警戒: an urgent provision goes 「直接セプター又は個別重要インフラ事業者等へ」 — to the CEPTOARs and
-- operators NISC names, who become addressees of the sent provision (JSON list of organisation
-- ids; empty unless urgent).
ALTER TABLE provisions ADD COLUMN direct_recipients TEXT NOT NULL DEFAULT '[]';
