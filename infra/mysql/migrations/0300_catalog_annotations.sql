-- The staff-edited half of the metadata catalog: display names (Chinese first), descriptions and
-- "hidden" for events and properties of an app. What exists, with volumes, is discovered from the
-- data (ClickHouse catalog_stats); a row here only annotates a name. kind: event | event_prop | user_prop.
CREATE TABLE IF NOT EXISTS catalog_annotations (
  app_id VARCHAR(64) NOT NULL,
  kind ENUM('event', 'event_prop', 'user_prop') NOT NULL,
  name VARCHAR(128) NOT NULL,
  display_name VARCHAR(100) NOT NULL DEFAULT '',
  description VARCHAR(1000) NOT NULL DEFAULT '',
  hidden TINYINT(1) NOT NULL DEFAULT 0,
  updated_by VARCHAR(100) NOT NULL DEFAULT '',
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (app_id, kind, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
