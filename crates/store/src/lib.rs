//! kakehashi-store
