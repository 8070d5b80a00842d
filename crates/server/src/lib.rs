//! kakehashi-server
