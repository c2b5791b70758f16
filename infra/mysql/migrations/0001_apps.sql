-- Apps are the tenants of event data: one tracked application (the union's mobile banking app,
-- a bank's web banking site, a mini-program). Every event row carries its app_id.
CREATE TABLE IF NOT EXISTS apps (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  -- Org node that owns the app; events without their own bank code inherit default_bank_code.
  owner_org_code VARCHAR(64) NOT NULL DEFAULT '',
  default_bank_code VARCHAR(64) NOT NULL DEFAULT '',
  time_zone VARCHAR(64) NOT NULL DEFAULT 'Asia/Shanghai',
  retention_days INT UNSIGNED NOT NULL DEFAULT 730,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Write keys let an SDK append events to one app and nothing else. Only a SHA-256 of the key is
-- stored: a leaked database dump cannot be replayed as a key.
CREATE TABLE IF NOT EXISTS app_write_keys (
  key_hash CHAR(64) NOT NULL PRIMARY KEY,
  app_id VARCHAR(64) NOT NULL,
  label VARCHAR(200) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  revoked_at DATETIME(3) NULL,
  KEY idx_app (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
