-- The organisation tree (analytics-api/src/orgs): provincial union -> prefecture office -> rural
-- commercial bank -> branch. `path` is the materialised path (`/U00/P01/B001/`), so a subtree is
-- one indexed prefix scan; `bank_code` is the node's own code for a bank, its bank's code for a
-- branch and '' above the bank tier, so a branch resolves to its bank without walking the tree.
CREATE TABLE IF NOT EXISTS orgs (
  code VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  tier ENUM('union', 'prefecture', 'bank', 'branch') NOT NULL,
  parent_code VARCHAR(64) NULL,
  path VARCHAR(700) NOT NULL,
  bank_code VARCHAR(64) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_path (path),
  KEY idx_parent (parent_code),
  KEY idx_bank (bank_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
