import type { TargetEmit } from '../target.js';
import { emitThanosRules } from './thanos-rules.js';

/** `thanos/rules/`: the compiled rules in the Thanos ruler's layout, one file per service. */
export const emitThanos: TargetEmit = ({ rules }) => ({ files: emitThanosRules(rules) });
