//! kakehashi-policy
