-- Staff accounts, their server-side sessions and login throttling (analytics-api/src/staff,
-- src/auth). Passwords are argon2id hashes; session tokens are stored only as SHA-256, so a
-- database dump cannot be replayed as a cookie.
CREATE TABLE IF NOT EXISTS staff (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  display_name VARCHAR(200) NOT NULL DEFAULT '',
  org_code VARCHAR(64) NOT NULL,
  -- comma-separated role names from analytics-api/src/permissions/role-matrix.ts
  roles VARCHAR(200) NOT NULL,
  password_hash VARCHAR(200) NOT NULL,
  password_changed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  disabled_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_username (username),
  KEY idx_org (org_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS staff_sessions (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  staff_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_seen_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  ip VARCHAR(64) NOT NULL DEFAULT '',
  user_agent VARCHAR(300) NOT NULL DEFAULT '',
  KEY idx_staff (staff_id),
  KEY idx_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per throttled key (`user:<name>` or `ip:<address>`): failures in the current window
-- and, once over the limit, the time until which logins for that key are refused.
CREATE TABLE IF NOT EXISTS login_throttle (
  throttle_key VARCHAR(200) NOT NULL PRIMARY KEY,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  lockouts INT UNSIGNED NOT NULL DEFAULT 0,
  window_start DATETIME(3) NOT NULL,
  locked_until DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
