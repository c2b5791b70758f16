// Test and benchmark harness: the embedded stack on temp dirs and free ports.
export {
  type EmbeddedStack,
  type EmbeddedStackOptions,
  STACK_SECRET_KEY,
  startEmbeddedStack,
} from './embedded-stack.ts';
export { freePort } from './free-port.ts';
export { selfSignedCertificate } from './self-signed-certificate.ts';
export { createTestApp } from './test-app.ts';
