import type { TargetEmit } from '../target.js';
import { emitPrometheusRules } from './prometheus-rules.js';

/** `prometheus/rules/`: the compiled recording and alerting rules, one file per service. */
export const emitRules: TargetEmit = ({ rules }) => ({ files: emitPrometheusRules(rules) });
