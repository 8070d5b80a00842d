//! kakehashi-store-sql
