// What other packages (the collector's ingestion writer, the key rotation job) use of the
// API's cryptography: the keyring built from the shared configuration, the stored form of
// sensitive values, and the row protector. Never exports key material accessors beyond the keyring.
export {
  createIdentityProtector,
  type IdentityProtector,
  identityLookupKey,
  protectIdentities,
} from './identity-protector.ts';
export { createKeyring, type Keyring } from './keyring.ts';
export {
  createPropertyProtector,
  type PropertyProtector,
  type PropertyRow,
  protectRow,
  SensitiveKeyMissingError,
} from './property-protector.ts';
export {
  identifierKeyOf,
  identifierPrefix,
  isProtected,
  keyIdOf,
  protectValue,
  revealValue,
} from './sensitive-value.ts';
