-- Append-only audit log (analytics-api/src/audit): logins, analyses, exports, permission and user
-- changes, unmasking, deletions, campaign launches. The triggers refuse UPDATE and DELETE even for
-- the application's own database user; production should additionally grant that user only
-- INSERT and SELECT on this table (see analytics-api/docs/security.md).
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  actor_kind VARCHAR(16) NOT NULL,
  actor_id VARCHAR(64) NOT NULL DEFAULT '',
  actor_name VARCHAR(200) NOT NULL DEFAULT '',
  -- org path of the actor (or of the account a failed login named), for subtree searches
  org_path VARCHAR(700) NOT NULL DEFAULT '',
  ip VARCHAR(64) NOT NULL DEFAULT '',
  action VARCHAR(100) NOT NULL,
  details TEXT NOT NULL,
  KEY idx_at (at),
  KEY idx_path_at (org_path(191), at),
  KEY idx_action_at (action, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';

CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
