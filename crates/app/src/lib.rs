//! kakehashi-app
