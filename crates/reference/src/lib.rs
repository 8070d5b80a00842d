//! kakehashi-reference
