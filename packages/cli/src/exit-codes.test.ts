import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CommandFailedError, InvalidDefinitionsError, ToolError, UsageError } from '@vigil/conventions';
import { EXIT, exitDecision } from './exit-codes.js';

describe('exitDecision', () => {
  it('maps each typed error to its code and message', () => {
    const issue = { file: 'a.yaml', line: 3, column: 5, message: 'unknown key x' };
    expect(exitDecision(new UsageError('bad --only'))).toEqual({ code: EXIT.usage, message: 'vigil: bad --only' });
    expect(exitDecision(new ToolError('promtool not found'))).toEqual({ code: EXIT.toolError, message: 'vigil: promtool not found' });
    expect(exitDecision(new CommandFailedError('boom'))).toEqual({ code: EXIT.checkFailed, message: 'vigil: boom' });
    expect(exitDecision(new InvalidDefinitionsError([issue]))).toEqual({
      code: EXIT.invalidDefinitions,
      message: 'a.yaml:3:5: unknown key x\nvigil: 1 problem(s) in the definitions; nothing was written',
    });
    expect(exitDecision(new InvalidDefinitionsError([issue, issue]))?.code).toBe(EXIT.invalidDefinitions);
  });

  it('prints nothing more for an error whose report is already printed', () => {
    expect(exitDecision(new CommandFailedError('check failed', { reported: true }))).toEqual({ code: EXIT.checkFailed });
  });

  it('recognizes Vigil errors and commander errors from another copy of their module', () => {
    // The bundled CLI and the installed controller each have their own copies.
    const foreign = Object.assign(new Error('no cycle x'), { kind: 'usage', reported: false, [Symbol.for('@vigil/conventions/error')]: true });
    expect(exitDecision(foreign)).toEqual({ code: EXIT.usage, message: 'vigil: no cycle x' });
    expect(exitDecision({ code: 'commander.unknownCommand', exitCode: 1, message: 'unknown command' })).toEqual({ code: EXIT.usage });
    expect(exitDecision(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: EXIT.ok });
  });

  it('leaves anything else (a bug) to crash with its stack', () => {
    expect(exitDecision(new TypeError('x is undefined'))).toBeUndefined();
  });
});
