export { promqlSyntaxErrors } from '../spec/promql-syntax.js';
export type { PromqlSyntaxError } from '../spec/promql-syntax.js';
