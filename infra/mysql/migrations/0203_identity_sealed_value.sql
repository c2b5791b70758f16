-- ID-Mapping identities of a type the app marked sensitive (a phone bound as an identity) are
-- keyed by their keyed hash in id_value (`hid:v1:<key id>:<HMAC>`), never the plaintext; the
-- full protected form (hash + AES-GCM ciphertext) goes here so outputs can show the value masked,
-- or in clear to callers with data.unmask. NULL for identities of unmarked types.
ALTER TABLE person_identities ADD COLUMN sealed_value VARCHAR(600) NULL;
