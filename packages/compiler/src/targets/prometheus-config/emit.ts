import type { TargetEmit } from '../target.js';
import { emitPrometheusConfig } from './prometheus-config.js';

/** `prometheus/prometheus.yml` and `prometheus/storage.yml`. */
export const emitConfig: TargetEmit = ({ model }) => ({ files: emitPrometheusConfig(model) });
