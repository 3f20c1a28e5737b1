/**
 * @vigil/cli: the `vigil` command. Its library entry serves tests and scripts that drive the CLI
 * in-process; users run the `vigil` bin.
 */
export { runCli, buildProgram } from './main.js';
export type { Io } from './main.js';
export { EXIT, exitDecision } from './exit-codes.js';
export type { ExitCode, ExitDecision } from './exit-codes.js';
export { readDefinitionsDir } from './io/read-definitions.js';
export { freeLoopbackPorts } from './up/ports.js';
export { recoverInterruptedWrite, writeOutputsAtomically, staleGeneratedFiles, writeFileAtomically } from './io/write-outputs.js';
export { validateWithPromtool, parseGeneratedExpressions } from './check/validate.js';
export type { ValidationStep } from './check/validate.js';
export { testAlertRoutes } from './check/amtool.js';
export type { RouteTestResult } from './check/amtool.js';
export { compareOutputs, formatChangeReport } from './check/compare.js';
export type { ChangeReport } from './check/compare.js';
