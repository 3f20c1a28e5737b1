import type { OutputFile } from '../emit/output.js';
import type { Model } from '../model/types.js';
import type { RuleFile } from '../rules/types.js';
import type { SourceLocation } from '../errors.js';

/** What every target reads: the model, and its rules compiled once for all targets. */
export interface TargetInput {
  readonly model: Model;
  readonly rules: readonly RuleFile[];
}

/** Whether an alert definition got a synthesized test, and why not when it did not. */
export interface TestCoverage {
  alert: string;
  source?: SourceLocation;
  covered: boolean;
  reason?: string;
}

/** What a target writes: its files, and for a target that writes tests, which alerts they cover. */
export interface TargetOutput {
  readonly files: OutputFile[];
  readonly coverage?: readonly TestCoverage[];
}

/** A target's emitter: pure, the caller writes the files. */
export type TargetEmit = (input: TargetInput) => TargetOutput;

/**
 * A directory a target writes into, and which file names there may be its own. The CLI removes
 * a file there that matches, carries the generated mark and is no longer emitted; anything else
 * (a user's own rule or test file beside the generated ones) is left alone.
 */
export interface OwnedFiles {
  readonly dir: string;
  readonly files: RegExp;
}

/**
 * An output target, as its folder `targets/<name>/index.ts` exports it: its name, what it owns,
 * and its emitter behind `load`, so a caller loads only the emitters a project uses (the Datadog
 * one pulls the Datadog API client) while still knowing every target's files.
 */
export interface TargetDescriptor<Name extends string = string> {
  readonly name: Name;
  readonly owns: readonly OwnedFiles[];
  readonly load: () => Promise<TargetEmit>;
}

/** A target whose emitter is loaded. */
export interface LoadedTarget {
  readonly name: string;
  readonly emit: TargetEmit;
}

/** Targets by name; {@link TARGETS} is the one the CLI uses, a test may extend it. */
export type TargetRegistry = Readonly<Record<string, TargetDescriptor>>;
