-- Event properties and profile fields holding personal data, per app (analytics-api/src/masking).
-- Every output path masks these by kind unless the caller holds `data.unmask` and asks for it.
CREATE TABLE IF NOT EXISTS sensitive_fields (
  app_id VARCHAR(64) NOT NULL,
  field VARCHAR(200) NOT NULL,
  kind ENUM('phone', 'id_card', 'bank_card', 'name', 'address') NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (app_id, field)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
