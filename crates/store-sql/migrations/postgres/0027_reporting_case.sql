-- 情報連絡を行う場合: the handbook's case ①–③ a chain's first report was filed under, and for ②
-- the stakeholder who judged the impact serious. Chains filed before the case was asked: ① when
-- statutory, else ③.
ALTER TABLE chains ADD COLUMN reporting_case TEXT NOT NULL DEFAULT 'own_judgement';
ALTER TABLE chains ADD COLUMN case_judged_by TEXT;
UPDATE chains SET reporting_case = 'statutory' WHERE statutory = 1;
