-- Failed sign-ins per login name, shared by every server node so the rate limit holds when
-- several nodes serve behind a load balancer.
CREATE TABLE login_failures (login TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_login ON login_failures(login, at);
