//! kakehashi-audit
