-- Persons removed by data-subject deletion (ids only, no personal data), in deletion order.
-- Ingestion workers poll MAX(seq) with every batch and drop the deleted persons from their
-- caches, so a deleted customer's id is never reused for new events; a login id that comes back
-- after its deletion gets a new person.
CREATE TABLE IF NOT EXISTS person_deletions (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  app_id VARCHAR(64) NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  deleted_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
