-- A password someone else chose (the bootstrap administrator's printed one-time password, or one
-- an administrator set) must be changed by its holder at the next sign-in; until then the person
-- may only change it, look at who they are and sign out.
ALTER TABLE people ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
