-- What identifies an organisation as a reporter besides its names and domains: its postal
-- addresses, phone and fax numbers, e-mail addresses and IP addresses or ranges (JSON lists).
-- The CEPTOAR's anonymisation masks them.
ALTER TABLE organisations ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE organisations ADD COLUMN phones TEXT NOT NULL DEFAULT '[]';
ALTER TABLE organisations ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
ALTER TABLE organisations ADD COLUMN ip_ranges TEXT NOT NULL DEFAULT '[]';
