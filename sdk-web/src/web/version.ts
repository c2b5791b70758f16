// The SDK version sent as $lib_version. Kept in one place so the build and wire agree.
export const VERSION = '0.1.0';
