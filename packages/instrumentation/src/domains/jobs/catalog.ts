import type { Catalog, CatalogLabel } from '../../catalog.js';
import type { MetricOf } from '../shared/domain-metrics.js';

/** How the job metrics are named for one team. */
export interface JobNaming {
  runs: string;
  duration: string;
  lastSuccess: string;
  bytes: string;
  verifications: string;
  /** Label that names the job, and its values. */
  jobLabel: { name: string; values: readonly string[] };
  /** Optional label for the kind of run (e.g. `backup_type`: full, incremental). */
  kindLabel?: { name: string; values: readonly string[] };
  durationBuckets: readonly number[];
}

/** AI Scholar's backups (003), exactly as `definitions/ai-scholar.yaml` declares them. */
export const SCHOLAR_BACKUP_NAMING: JobNaming = {
  runs: 'scholar_backups',
  duration: 'scholar_backup_duration_seconds',
  lastSuccess: 'scholar_backup_last_success_timestamp_seconds',
  bytes: 'scholar_backup_size_bytes',
  verifications: 'scholar_backup_verifications',
  jobLabel: { name: 'target', values: ['postgresql', 'redis', 'vector_db', 'files'] },
  kindLabel: { name: 'backup_type', values: ['full', 'incremental'] },
  durationBuckets: [10, 30, 60, 300, 900, 1800, 3600, 7200],
};

/** A job catalog: one metric per handle, named by a {@link JobNaming}. */
export interface JobCatalog extends Catalog {
  readonly metrics: {
    readonly lastSuccess: MetricOf<'gauge'>;
    readonly runs: MetricOf<'counter'>;
    readonly duration: MetricOf<'histogram'>;
    readonly bytes: MetricOf<'gauge'>;
    readonly verifications: MetricOf<'counter'>;
  };
}

/** The job catalog for a naming. */
export function jobCatalog(naming: JobNaming): JobCatalog {
  const job: Record<string, CatalogLabel> = { [naming.jobLabel.name]: { values: naming.jobLabel.values } };
  const kind: Record<string, CatalogLabel> = naming.kindLabel ? { [naming.kindLabel.name]: { values: naming.kindLabel.values } } : {};
  return {
    metrics: {
      lastSuccess: {
        name: naming.lastSuccess,
        type: 'gauge',
        unit: 's',
        description: 'Unix time of the last successful run per job (staleness alerts read it)',
        labels: { ...job },
      },
      runs: {
        name: naming.runs,
        type: 'counter',
        unit: '1',
        description: 'Job runs by outcome',
        labels: { ...job, ...kind, outcome: { values: ['success', 'failure'] } },
      },
      duration: {
        name: naming.duration,
        type: 'histogram',
        unit: 's',
        description: 'Job run duration',
        labels: { ...job, ...kind },
        buckets: naming.durationBuckets,
      },
      bytes: {
        name: naming.bytes,
        type: 'gauge',
        unit: 'By',
        description: 'Size of the output of the last successful run',
        labels: { ...job, ...kind },
      },
      verifications: {
        name: naming.verifications,
        type: 'counter',
        unit: '1',
        description: 'Verifications of job output by result',
        labels: { ...job, result: { values: ['passed', 'failed'] } },
      },
    },
  };
}
