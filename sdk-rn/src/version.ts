// The SDK version sent as $lib_version.
export const VERSION = '0.1.0';
