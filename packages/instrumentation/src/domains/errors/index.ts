export type { ErrorSeverity } from './catalog.js';
export { ERROR_SEVERITIES, ERROR_TYPE_CARDINALITY, TTA_COMPONENTS, errorCatalog } from './catalog.js';
export { FINGERPRINT_FRAMES, fingerprint, normalizeMessage, normalizeStack } from './fingerprint.js';
export type { ErrorContext, ErrorGroup, Resolution, ErrorTrackerOptions, TrackResult } from './error-tracker.js';
export { ErrorTracker, createErrorTracker } from './error-tracker.js';
