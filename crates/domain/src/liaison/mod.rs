//! 情報連絡 — information liaison: the form, its validation, routing and anonymisation.
