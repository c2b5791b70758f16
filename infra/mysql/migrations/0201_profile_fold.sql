-- Profile folding (analytics-api/src/profiles). One global counter hands out fold versions: a
-- fold takes its version AFTER its batch is inserted and BEFORE it reads anything, so a fold with
-- a higher version has seen every row a lower-versioned fold was written for, and
-- ReplacingMergeTree(version) in ClickHouse `profiles` keeps the most complete fold whatever the
-- order in which concurrent workers write. Single statement: UPDATE ... LAST_INSERT_ID(v + 1).
CREATE TABLE IF NOT EXISTS profile_fold_clock (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  v BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;
INSERT IGNORE INTO profile_fold_clock (id, v) VALUES (1, 0);

-- The folder and data-subject deletion look up the devices attributed to a customer. Plain
-- CREATE INDEX: MySQL 8 (the cluster deployment) has no IF NOT EXISTS for indexes.
CREATE INDEX idx_customer ON device_first_logins (app_id, customer_person_id);
