export type { JobNaming } from './catalog.js';
export { SCHOLAR_BACKUP_NAMING, jobCatalog } from './catalog.js';
export type { JobMetricsOptions, JobReport } from './track-job.js';
export { JobMetrics, createJobMetrics } from './track-job.js';
