import type { TargetEmit } from '../target.js';
import { emitPromtoolTests } from './promtool-tests.js';

/** `prometheus/tests/`: synthesized promtool tests of every alert, and which alerts they cover. */
export const emitTests: TargetEmit = ({ model }) => emitPromtoolTests(model);
