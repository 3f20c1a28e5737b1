import type { TargetEmit } from '../target.js';
import { emitMimirRules } from './mimir-rules.js';

/** `mimir/rules/`: the compiled rules as Mimir ruler namespaces, one per service. */
export const emitMimir: TargetEmit = ({ rules }) => ({ files: emitMimirRules(rules) });
