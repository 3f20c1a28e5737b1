/**
 * The parameters file (the user's "business logic card") and its version history. Every change
 * is a new version whose id is the hash of the file's bytes, with the changes, the rationale and
 * later the outcome. Writes are atomic (fsynced temporary file, rename, directory fsync) and
 * verified by reading back; the content being replaced is always in the history first, so any
 * version can be restored. A change made by a person (the file's hash matches no version
 * written here) is detected and recorded, so the autopilot can pause for the override period.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import { isMap, parseDocument } from 'yaml';

/** What the shared atomic writer puts in its temporary files' names (`<target>.vigil-tmp-<pid>-<hex>`). */
const TEMP_MARKER = '.vigil-tmp-';

/** Who made a version. */
export type VersionAuthor = 'autopilot' | 'person' | 'rollback' | 'initial';

/** One parameter's change within a version. */
export interface ParameterChange {
  /** Dotted path in the parameters file, e.g. `selection.diversity_weight`. */
  path: string;
  from: unknown;
  to: unknown;
}

/** A stored version of the parameters file. */
export interface ParameterVersion {
  /** SHA-256 of the file's bytes, hex. */
  id: string;
  /** ISO-8601 time the version was written. */
  createdAt: string;
  author: VersionAuthor;
  /** The version this one replaced, if any. */
  parentId?: string;
  changes: ParameterChange[];
  rationale: string;
  /** What became of it: set after its canary or by a rollback. */
  outcome?: string;
}

/** Options of {@link ParametersStore}. */
export interface ParametersStoreOptions {
  /** The parameters file the service reads (`.yaml`, `.yml` or `.json`). */
  file: string;
  /** Where versions are kept (default `<dir>/.vigil-history/<file name>`). */
  historyDir?: string;
  /** The clock, injected so tests and simulations control time. */
  now?: () => Date;
  /** Writes a file atomically (default: fsynced temporary file and rename); a seam for fault tests. */
  writeFile?: (path: string, content: string) => Promise<void>;
}

/** What {@link ParametersStore.current} found. */
export interface CurrentParameters {
  version: ParameterVersion;
  values: Record<string, unknown>;
  /** True when the file changed outside Vigil since the last version Vigil wrote. */
  changedByPerson: boolean;
}

/** Raised for problems the caller must see (unknown version, unreadable file, failed verification). */
export class ParametersStoreError extends Error {
  override readonly name = 'ParametersStoreError';
}

/** One history entry: a version (content and metadata) at a moment. */
interface StoredVersion {
  version: ParameterVersion;
  content: string;
  /** Written before the parameters file; cleared once the file holds this content. */
  pending?: boolean;
}

/** Hex SHA-256 of a file's text: the version id. */
export function versionIdOf(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

function getPath(values: unknown, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The parameters file and its history. Not safe for two writers at once: one controller owns a file. */
export class ParametersStore {
  readonly file: string;
  readonly historyDir: string;
  private readonly now: () => Date;
  private readonly writeFile: (path: string, content: string) => Promise<void>;

  constructor(options: ParametersStoreOptions) {
    this.writeFile = options.writeFile ?? writeFileAtomically;
    this.file = options.file;
    this.historyDir = options.historyDir ?? join(dirname(options.file), '.vigil-history', basename(options.file));
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Reads the file and compares it with the newest version in the history: a difference is a
   * change made outside Vigil (or the first run), recorded as a new version.
   */
  async current(): Promise<CurrentParameters> {
    const content = await this.readFileText(this.file);
    const values = this.parse(content, this.file);
    const id = versionIdOf(content);
    const latest = await this.latest(id);
    if (latest && latest.version.id === id) return { version: latest.version, values, changedByPerson: false };
    const version: ParameterVersion = {
      id,
      createdAt: this.now().toISOString(),
      author: latest ? 'person' : 'initial',
      ...(latest ? { parentId: latest.version.id } : {}),
      changes: latest ? this.diff(this.parse(latest.content, this.file), values) : [],
      rationale: latest ? 'changed outside Vigil' : 'first version seen by Vigil',
    };
    await this.store({ version, content });
    return { version, values, changedByPerson: latest !== undefined };
  }

  /**
   * The newest settled entry. A pending entry (a write interrupted by a crash) is settled here:
   * kept when the file holds its content, dropped when the file still holds the previous one.
   */
  private async latest(fileId: string): Promise<StoredVersion | undefined> {
    for (const entry of await this.entries()) {
      if (!entry.pending) return entry;
      if (entry.version.id === fileId) {
        const settled = { version: entry.version, content: entry.content };
        await this.store(settled);
        return settled;
      }
      await rm(join(this.historyDir, this.entryName(entry.version)), { force: true });
    }
    return undefined;
  }

  /**
   * Writes `changes` (dotted path -> new value) as a new version. The current content is stored
   * first (the backup); after the rename the file is read back and must hash to the new id, else
   * the previous content is restored and an error is thrown.
   */
  async write(changes: Record<string, unknown>, rationale: string, author: VersionAuthor = 'autopilot'): Promise<ParameterVersion> {
    const before = await this.current();
    const previous = await this.load(before.version.id);
    if (!previous) throw new ParametersStoreError(`version ${before.version.id} vanished from ${this.historyDir}`);
    const content = this.render(previous.content, changes);
    return this.replace(previous, content, author, rationale);
  }

  /** Makes version `id` current again, as a new version authored `rollback`. */
  async rollback(id: string, rationale = `rollback to ${id.slice(0, 12)}`): Promise<ParameterVersion> {
    const target = await this.resolve(id);
    const before = await this.current();
    const previous = await this.load(before.version.id);
    if (!previous) throw new ParametersStoreError(`version ${before.version.id} vanished from ${this.historyDir}`);
    if (previous.version.id === target.version.id) return previous.version;
    return this.replace(previous, target.content, 'rollback', rationale);
  }

  /**
   * Writes candidate values beside the current file (`name.canary.ext`) for services that run a
   * canary; the current file is untouched.
   */
  async writeCandidate(changes: Record<string, unknown>): Promise<string> {
    const content = this.render(await this.readFileText(this.file), changes);
    this.parse(content, this.candidateFile);
    await this.writeFile(this.candidateFile, content);
    return this.candidateFile;
  }

  /**
   * Whether a person changed the file since history entry `since` was current: some entry written
   * after it (newest first, down to it) is a hand edit or an operator rollback. An entry is its
   * version id and creation time (a rollback restores an id as a new entry). When `since` is no
   * longer in the history (pruned), the current entry's author decides.
   */
  async changedByPersonSince(since: Pick<ParameterVersion, 'id' | 'createdAt'>): Promise<boolean> {
    const versions = await this.history();
    const index = versions.findIndex((v) => v.id === since.id && v.createdAt === since.createdAt);
    const newer = index < 0 ? versions.slice(0, 1) : versions.slice(0, index);
    return newer.some((v) => v.author === 'person' || v.author === 'rollback');
  }

  /**
   * Removes temporary files that writes interrupted by a crash left beside the parameters file
   * and in the history (the atomic writer's `<target>.vigil-tmp-<pid>-<hex>`), except this
   * process's own. Call it at start, while no write of this store runs. Returns the paths removed.
   */
  async removeStaleTemporaries(): Promise<string[]> {
    const own = `${TEMP_MARKER}${process.pid}-`;
    const removed: string[] = [];
    const stems = [basename(this.file), basename(this.candidateFile)];
    for (const [dir, belongs] of [
      [dirname(this.file), (name: string) => stems.some((stem) => name.startsWith(`${stem}${TEMP_MARKER}`))],
      [this.historyDir, (name: string) => name.includes(TEMP_MARKER)],
    ] as const) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => belongs(n) && !n.includes(own))) {
        await rm(join(dir, name), { force: true });
        removed.push(join(dir, name));
      }
    }
    return removed;
  }

  /** Removes the candidate file (the canary is over). */
  async removeCandidate(): Promise<void> {
    await rm(this.candidateFile, { force: true });
  }

  /** The candidate file's path. */
  get candidateFile(): string {
    const ext = extname(this.file);
    return join(dirname(this.file), `${basename(this.file, ext)}.canary${ext}`);
  }

  /** Records what became of a version (e.g. `promoted`, `rolled_back`). */
  async setOutcome(id: string, outcome: string): Promise<void> {
    const stored = await this.resolve(id);
    await this.store({ version: { ...stored.version, outcome }, content: stored.content });
  }

  /** Versions newest first (a content restored later appears again, as a new entry). */
  async history(limit = Number.POSITIVE_INFINITY): Promise<ParameterVersion[]> {
    return (await this.entries())
      .filter((e) => !e.pending)
      .slice(0, limit)
      .map((e) => e.version);
  }

  /** Every valid history entry, newest first. */
  private async entries(): Promise<StoredVersion[]> {
    let names: string[];
    try {
      names = await readdir(this.historyDir);
    } catch {
      return [];
    }
    const entries: StoredVersion[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort().reverse()) {
      const stored = await this.read(join(this.historyDir, name));
      if (stored) entries.push(stored);
    }
    return entries;
  }

  /** The values of version `id` (a prefix of at least 8 hex digits is enough). */
  async valuesOf(id: string): Promise<Record<string, unknown>> {
    return this.parse((await this.resolve(id)).content, this.file);
  }

  /**
   * Removes versions older than `retentionDays`, always keeping the current one and the newest
   * `keepAtLeast`. Returns the ids removed.
   */
  async prune(retentionDays: number, keepAtLeast = 10): Promise<string[]> {
    const currentId = versionIdOf(await this.readFileText(this.file).catch(() => ''));
    const cutoff = this.now().getTime() - retentionDays * 86_400_000;
    const removed: string[] = [];
    for (const [index, version] of (await this.history()).entries()) {
      if (index < keepAtLeast || version.id === currentId || Date.parse(version.createdAt) >= cutoff) continue;
      await rm(join(this.historyDir, this.entryName(version)), { force: true });
      removed.push(version.id);
    }
    return removed;
  }

  private async replace(previous: StoredVersion, content: string, author: VersionAuthor, rationale: string): Promise<ParameterVersion> {
    const values = this.parse(content, this.file);
    const id = versionIdOf(content);
    const version: ParameterVersion = {
      id,
      createdAt: this.now().toISOString(),
      author,
      parentId: previous.version.id,
      changes: this.diff(this.parse(previous.content, this.file), values),
      rationale,
    };
    // The history holds the new version (pending) before the file does: after a crash in
    // between, `latest` settles it by what the file holds, so nothing is lost or misattributed.
    await this.store({ version, content, pending: true });
    const entry = join(this.historyDir, this.entryName(version));
    try {
      await this.writeFile(this.file, content);
    } catch (error) {
      await rm(entry, { force: true });
      throw new ParametersStoreError(`could not write ${this.file}: ${(error as Error).message}`, { cause: error });
    }
    const readBack = await this.readFileText(this.file);
    if (versionIdOf(readBack) !== id) {
      await this.writeFile(this.file, previous.content);
      await rm(entry, { force: true });
      throw new ParametersStoreError(`${this.file} did not read back as written; restored version ${previous.version.id.slice(0, 12)}`);
    }
    await this.store({ version, content });
    return version;
  }

  private async resolve(id: string): Promise<StoredVersion> {
    if (!/^[0-9a-f]{8,64}$/.test(id)) throw new ParametersStoreError(`not a version id: ${JSON.stringify(id)} (expected 8 to 64 hex digits)`);
    const exact = await this.load(id);
    if (exact) return exact;
    const matches = (await this.history()).filter((v) => v.id.startsWith(id));
    if (matches.length === 1 && matches[0]) {
      const stored = await this.load(matches[0].id);
      if (stored) return stored;
    }
    throw new ParametersStoreError(
      matches.length > 1 ? `version prefix ${id} is ambiguous (${matches.length} versions)` : `no version ${id} in ${this.historyDir}`,
    );
  }

  /** Entry file names sort by time: `<ms, 15 digits>-<id prefix>.json`. */
  private entryName(version: ParameterVersion): string {
    return `${String(Date.parse(version.createdAt)).padStart(15, '0')}-${version.id.slice(0, 16)}.json`;
  }

  private async store(stored: StoredVersion): Promise<void> {
    await mkdir(this.historyDir, { recursive: true });
    await this.writeFile(join(this.historyDir, this.entryName(stored.version)), `${JSON.stringify(stored, null, 2)}\n`);
  }

  /** The newest settled entry of version `id`. */
  private async load(id: string): Promise<StoredVersion | undefined> {
    return (await this.entries()).find((e) => !e.pending && e.version.id === id);
  }

  private async read(path: string): Promise<StoredVersion | undefined> {
    let stored: StoredVersion;
    try {
      stored = JSON.parse(await readFile(path, 'utf8')) as StoredVersion;
    } catch {
      return undefined;
    }
    // An entry whose content does not hash to its id is corrupt; never restore it.
    return typeof stored.content === 'string' && versionIdOf(stored.content) === stored.version?.id ? stored : undefined;
  }

  private async readFileText(path: string): Promise<string> {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new ParametersStoreError(`cannot read parameters file ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private isJson(): boolean {
    return extname(this.file).toLowerCase() === '.json';
  }

  private parse(content: string, path: string): Record<string, unknown> {
    const doc = parseDocument(content);
    if (doc.errors.length > 0) throw new ParametersStoreError(`${path}: ${doc.errors[0]?.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ParametersStoreError(`${path}: expected a mapping of parameters at the top level`);
    }
    return value as Record<string, unknown>;
  }

  /** Applies dotted-path changes, keeping a YAML file's comments and layout. */
  private render(content: string, changes: Record<string, unknown>): string {
    if (this.isJson()) {
      const values = this.parse(content, this.file);
      for (const [path, value] of Object.entries(changes)) {
        const keys = path.split('.');
        let node = values;
        for (const key of keys.slice(0, -1)) {
          const next = node[key];
          if (next === null || typeof next !== 'object') throw new ParametersStoreError(`${this.file}: no parameter at ${path}`);
          node = next as Record<string, unknown>;
        }
        node[keys.at(-1) as string] = value;
      }
      return `${JSON.stringify(values, null, 2)}\n`;
    }
    const doc = parseDocument(content);
    for (const [path, value] of Object.entries(changes)) {
      const keys = path.split('.');
      const parent = keys.length > 1 ? doc.getIn(keys.slice(0, -1)) : doc.contents;
      if (!isMap(parent)) throw new ParametersStoreError(`${this.file}: no parameter at ${path}`);
      doc.setIn(keys, value);
    }
    return doc.toString();
  }

  private diff(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): ParameterChange[] {
    const changes: ParameterChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const path = prefix ? `${prefix}.${key}` : key;
      const from = before[key];
      const to = after[key];
      const nested = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
      if (nested(from) && nested(to)) {
        changes.push(...this.diff(from as Record<string, unknown>, to as Record<string, unknown>, path));
      } else if (JSON.stringify(from) !== JSON.stringify(to)) {
        changes.push({ path, from, to });
      }
    }
    return changes;
  }
}

/** Reads a dotted path from parsed parameters (for callers that hold values, not a store). */
export function parameterAt(values: Record<string, unknown>, path: string): unknown {
  return getPath(values, path);
}
