-- Machine tokens for data services and automation (analytics-api/src/tokens): bound to one org
-- node, limited to a list of permissions, always expiring. Only the SHA-256 of the token is kept.
CREATE TABLE IF NOT EXISTS api_tokens (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash CHAR(64) NOT NULL,
  label VARCHAR(200) NOT NULL,
  org_code VARCHAR(64) NOT NULL,
  -- comma-separated permissions from analytics-api/src/permissions/permission.ts
  scopes VARCHAR(1000) NOT NULL,
  created_by BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  last_used_at DATETIME(3) NULL,
  UNIQUE KEY uq_token_hash (token_hash),
  KEY idx_org (org_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
