import type { TargetName } from '../target-names.js';
import { emitAlertmanager } from './alertmanager/emit.js';
import { emitDatadog } from './datadog/emit.js';
import { emitGrafana } from './grafana/emit.js';
import { emitHtml } from './html/emit.js';
import { emitSchema } from './json-schema/emit.js';
import { emitMimir } from './mimir/emit.js';
import { emitConfig } from './prometheus-config/emit.js';
import { emitRules } from './prometheus-rules/emit.js';
import { emitTests } from './promtool-tests/emit.js';
import { emitThanos } from './thanos/emit.js';
import type { TargetEmit } from './target.js';

/**
 * Every target's emitter, loaded up front, for the synchronous in-process `generate()` (tests,
 * benchmarks, library users). The CLI loads through the registry instead, only what a project
 * uses. Typed against the names like the registry, so it cannot miss a target either.
 */
export const EAGER_EMITTERS: { readonly [N in TargetName]: TargetEmit } = {
  'prometheus-rules': emitRules,
  'promtool-tests': emitTests,
  'prometheus-config': emitConfig,
  'json-schema': emitSchema,
  alertmanager: emitAlertmanager,
  grafana: emitGrafana,
  html: emitHtml,
  datadog: emitDatadog,
  thanos: emitThanos,
  mimir: emitMimir,
};
