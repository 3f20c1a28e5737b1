/**
 * The service side of the autopilot's canary: each request or unit (a user, a selection, a
 * session) is assigned to `canary` or `control` deterministically from a hash of its id, at the
 * configured percentage, and reads the parameters of its variant. The controller writes the
 * candidate parameters beside the current file (`card.canary.yaml` beside `card.yaml`); while
 * that file exists, the canary share of units reads it. Metrics carry the variant as an
 * attribute (`variant`), so the judge compares control and canary from PromQL.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parse } from 'yaml';

/** The two arms of a canary. */
export type Variant = 'canary' | 'control';

/** The attribute key that carries the variant on every metric a canary compares. */
export const VARIANT_ATTRIBUTE = 'variant';

const BUCKETS = 10_000;

/**
 * FNV-1a (32 bit) of `salt:id`: fast, stable across processes and releases, and well enough
 * spread for traffic splitting (a test checks the shares); not for security.
 */
function bucketOf(id: string, salt: string): number {
  let hash = 0x811c9dc5;
  const text = `${salt}:${id}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche (murmur3's fmix32) so ids that differ in their last character spread too.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % BUCKETS;
}

/** Options of {@link canarySplit}. */
export interface CanarySplitOptions {
  /** Share of units in the canary, in percent (the autopilot's default is 20). */
  percentage: number;
  /**
   * Salt of the hash; change it to reshuffle units between experiments (default `vigil`). Units
   * in the canary at a lower percentage stay in it at a higher one with the same salt.
   */
  salt?: string;
}

/** Assigns units to a variant. */
export interface CanarySplit {
  readonly percentage: number;
  /** The variant of `unitId`: the same id always gets the same answer. */
  variantOf(unitId: string): Variant;
}

/** A deterministic canary split at `percentage` percent. */
export function canarySplit(options: CanarySplitOptions): CanarySplit {
  const { percentage } = options;
  if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw new RangeError(`canary percentage must be within 0..100, got ${percentage}`);
  }
  const salt = options.salt ?? 'vigil';
  const threshold = Math.round((percentage / 100) * BUCKETS);
  return {
    percentage,
    variantOf: (unitId) => (bucketOf(unitId, salt) < threshold ? 'canary' : 'control'),
  };
}

/** Options of {@link watchCanaryParameters}. */
export interface CanaryParametersOptions extends CanarySplitOptions {
  /** The parameters file the service reads (`.yaml`, `.yml` or `.json`). */
  file: string;
  /** How often the files are checked for changes, in milliseconds (default 5,000). */
  reloadIntervalMs?: number;
  /** Called when a reload fails; the last good parameters stay in use. */
  onError?: (error: Error) => void;
}

/** A unit's parameters and variant. */
export interface VariantParameters<T> {
  variant: Variant;
  values: T;
}

/** Live parameters for control and canary, reloaded in the background. */
export interface CanaryParameters<T> {
  /** The parameters `unitId` should use; never blocks, never throws. */
  forUnit(unitId: string): VariantParameters<T>;
  /** The current (control) parameters. */
  readonly control: T;
  /** The candidate parameters while a canary runs. */
  readonly candidate: T | undefined;
  /** Re-reads the files now. */
  reload(): Promise<void>;
  /** Stops the background reloads. */
  close(): void;
}

/** The candidate file the controller writes beside `file`. */
export function candidateFileOf(file: string): string {
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}.canary${ext}`);
}

async function readIfChanged(path: string, lastMtime: number): Promise<{ mtime: number; values?: unknown } | undefined> {
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
  if (mtime === lastMtime) return { mtime };
  return { mtime, values: parse(await readFile(path, 'utf8')) as unknown };
}

/**
 * Reads the parameters file and its canary candidate, and keeps them current: the first read
 * is awaited (a service should not start without its parameters), later ones run on a timer so
 * {@link CanaryParameters.forUnit} stays a memory read.
 */
export async function watchCanaryParameters<T = Record<string, unknown>>(options: CanaryParametersOptions): Promise<CanaryParameters<T>> {
  const split = canarySplit(options);
  const candidatePath = candidateFileOf(options.file);
  let control: T;
  let candidate: T | undefined;
  let controlMtime = -1;
  let candidateMtime = -1;

  const reload = async (): Promise<void> => {
    const current = await readIfChanged(options.file, controlMtime);
    if (!current) throw new Error(`parameters file ${options.file} is missing`);
    if (current.values !== undefined) control = current.values as T;
    controlMtime = current.mtime;
    const next = await readIfChanged(candidatePath, candidateMtime);
    if (!next) {
      candidate = undefined;
      candidateMtime = -1;
    } else {
      if (next.values !== undefined) candidate = next.values as T;
      candidateMtime = next.mtime;
    }
  };
  await reload();
  const timer = setInterval(() => {
    reload().catch((error: unknown) => options.onError?.(error as Error));
  }, options.reloadIntervalMs ?? 5_000);
  timer.unref();

  return {
    forUnit(unitId) {
      const variant = candidate === undefined ? 'control' : split.variantOf(unitId);
      return { variant, values: variant === 'canary' ? (candidate as T) : control };
    },
    get control() {
      return control;
    },
    get candidate() {
      return candidate;
    },
    reload,
    close: () => clearInterval(timer),
  };
}
