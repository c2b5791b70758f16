-- ID-Mapping (analytics-api/src/identity). A person is either a customer (known login id) or the
-- anonymous person of one device/browser (distinct id). Customers are never merged with each
-- other; a device's anonymous person is attributed to the first customer (by event time) who
-- logged in on it, through person_overrides in ClickHouse.
CREATE TABLE IF NOT EXISTS persons (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  app_id VARCHAR(64) NOT NULL,
  kind ENUM('customer', 'device') NOT NULL,
  -- login id for a customer, distinct id for a device's anonymous person
  external_id VARCHAR(200) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  deleted_at DATETIME(3) NULL,
  UNIQUE KEY uq_person (app_id, kind, external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The first customer (by event time) who logged in on a device. An earlier login arriving late
-- (an SDK that was offline) replaces a later one: the row keeps the minimum login time.
CREATE TABLE IF NOT EXISTS device_first_logins (
  app_id VARCHAR(64) NOT NULL,
  distinct_id VARCHAR(200) NOT NULL,
  customer_person_id BIGINT UNSIGNED NOT NULL,
  login_time BIGINT NOT NULL,
  PRIMARY KEY (app_id, distinct_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Extra identities bound to a customer (union customer number, hashed phone, ...). One identity
-- value belongs to at most one customer.
CREATE TABLE IF NOT EXISTS person_identities (
  app_id VARCHAR(64) NOT NULL,
  id_type VARCHAR(100) NOT NULL,
  id_value VARCHAR(200) NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  bound_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (app_id, id_type, id_value),
  KEY idx_person (person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
