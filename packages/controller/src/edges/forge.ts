/**
 * Weekly triage reports as issues on a Git forge, off unless the definitions set
 * `autopilot.triage.forge`. The REST calls are GitHub's (`POST /repos/{owner}/{repo}/issues`),
 * which Gitea, Forgejo and GitHub Enterprise also serve. Only a report with patch suggestions
 * becomes an issue (the rest needs no one's attention), and one report id opens at most one issue:
 * a local ledger answers first, and the forge itself is searched before creating, so a crash
 * between the creation and the ledger write, or a lost state database, does not open a duplicate.
 * Nothing here throws: every failure comes back as data for the runner to turn into a notice.
 */
import { readFile } from 'node:fs/promises';

/** Where and how to open issues. */
export interface ForgeOptions {
  /** The REST API's base URL, e.g. `https://api.github.com` or `https://gitea.example/api/v1`. */
  url: string;
  /** `owner/name`. */
  repository: string;
  /** A file holding the token, sent as `Authorization: Bearer <token>` (read on each publish, so it can rotate). */
  tokenFile: string;
  /** Labels of the issues (default `autopilot`, `triage`). */
  labels?: readonly string[];
  /** Deadline of each request, ms (default 10,000). */
  timeoutMs?: number;
}

/** An issue opened for a report. */
export interface OpenedIssue {
  reportId: string;
  number: number;
  url: string;
}

/** Remembers which reports already have an issue (the runner keeps it in the state database). */
export interface IssueLedger {
  get(reportId: string): OpenedIssue | undefined;
  put(issue: OpenedIssue): void;
}

/** A triage report as the core emits it (`PublishTriage`). */
export interface TriageDocument {
  reportId: string;
  markdown: string;
  /** The report as JSON; its `patchSuggestions` decide whether an issue is worth opening. */
  json: string;
}

/** What became of a report. */
export type ForgeOutcome =
  | ({ status: 'opened' } & OpenedIssue)
  | ({ status: 'already-opened' } & OpenedIssue)
  | { status: 'no-suggestions'; reportId: string }
  | { status: 'failed'; reportId: string; error: string };

const DEFAULT_LABELS = ['autopilot', 'triage'] as const;

/** The issue title; it carries the report id in brackets, which is how the forge is searched. */
export function triageIssueTitle(reportId: string, suggestions: number, service: string): string {
  return `Autopilot triage [${reportId}]: ${suggestions} bounds patch suggestion${suggestions === 1 ? '' : 's'} for ${service}`;
}

/** Opens issues for triage reports on a GitHub-compatible forge. */
export class TriageForge {
  private readonly api: string;

  constructor(
    private readonly options: ForgeOptions,
    private readonly ledger: IssueLedger,
    private readonly service: string,
  ) {
    this.api = `${options.url.replace(/\/+$/, '')}/repos/${options.repository}/issues`;
  }

  /** Opens an issue for `report` if it has patch suggestions and none was opened for its id. Never throws. */
  async publish(report: TriageDocument): Promise<ForgeOutcome> {
    const { reportId } = report;
    try {
      const suggestions = patchSuggestionCount(report.json);
      if (suggestions === 0) return { status: 'no-suggestions', reportId };
      const known = this.ledger.get(reportId);
      if (known) return { status: 'already-opened', ...known };
      const token = (await readFile(this.options.tokenFile, 'utf8')).trim();
      if (!token) throw new Error(`token file ${this.options.tokenFile} is empty`);
      const existing = await this.find(reportId, token);
      if (existing) {
        this.ledger.put(existing);
        return { status: 'already-opened', ...existing };
      }
      const created = await this.request('POST', this.api, token, {
        title: triageIssueTitle(reportId, suggestions, this.service),
        body: report.markdown,
        labels: [...(this.options.labels ?? DEFAULT_LABELS)],
      });
      const issue = issueOf(reportId, created);
      this.ledger.put(issue);
      return { status: 'opened', ...issue };
    } catch (error) {
      return { status: 'failed', reportId, error: (error as Error).message };
    }
  }

  /** An open or closed issue of ours whose title names `reportId`, from the newest 100 with our labels. */
  private async find(reportId: string, token: string): Promise<OpenedIssue | undefined> {
    const labels = (this.options.labels ?? DEFAULT_LABELS).join(',');
    const listed = await this.request('GET', `${this.api}?state=all&per_page=100&labels=${encodeURIComponent(labels)}`, token);
    if (!Array.isArray(listed)) throw new Error(`GET ${this.api}: expected a list of issues`);
    const match = listed.find((i: unknown) => typeof (i as { title?: unknown }).title === 'string' && (i as { title: string }).title.includes(`[${reportId}]`));
    return match ? issueOf(reportId, match) : undefined;
  }

  private async request(method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<unknown> {
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`${method} ${url}: the answer is not JSON`);
    }
  }
}

function patchSuggestionCount(json: string): number {
  const report = JSON.parse(json) as { patchSuggestions?: unknown };
  return Array.isArray(report.patchSuggestions) ? report.patchSuggestions.length : 0;
}

function issueOf(reportId: string, body: unknown): OpenedIssue {
  const { number, html_url: url } = (body ?? {}) as { number?: unknown; html_url?: unknown };
  if (typeof number !== 'number' || typeof url !== 'string') throw new Error('the forge answered without an issue number and html_url');
  return { reportId, number, url };
}
