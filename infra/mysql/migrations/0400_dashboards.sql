-- Saved analyses and dashboards (analytics-api/src/dashboards). Both are owned by an org node and
-- carry that node's path, so visibility ("boards of my node and of its ancestors") is one indexed
-- prefix test in the query: `caller_path LIKE CONCAT(org_path, '%')`. Queries and layouts are JSON
-- validated by the API before they are written.
CREATE TABLE IF NOT EXISTS saved_analyses (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  org_code VARCHAR(64) NOT NULL,
  org_path VARCHAR(400) NOT NULL,
  app_id VARCHAR(64) NOT NULL,
  model VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  query_json MEDIUMTEXT NOT NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY saved_analyses_org_path (org_path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS dashboards (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  org_code VARCHAR(64) NOT NULL,
  org_path VARCHAR(400) NOT NULL,
  name VARCHAR(200) NOT NULL,
  description VARCHAR(1000) NOT NULL DEFAULT '',
  -- [{analysisId, width}] in display order; width 1..4 columns of a 4-column grid.
  cards_json TEXT NOT NULL,
  -- {preset} or {from, to}: applied to every card when the board runs.
  time_range_json VARCHAR(400) NOT NULL,
  refresh_seconds INT UNSIGNED NOT NULL DEFAULT 0,
  -- Set only on boards the API creates itself (the default overview), so it is made once.
  system_key VARCHAR(64) NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY dashboards_system_key (system_key, org_code),
  KEY dashboards_org_path (org_path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
