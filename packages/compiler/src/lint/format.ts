import { assertNever } from '../errors.js';
import { describeCheck } from './checks.js';
import { LINT_CHECKS, type LintFinding, type LintSeverity } from './types.js';

/** The JSON schema SARIF 2.1.0 logs declare. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** One finding per line, as compilers print them: `file:line:col: severity check: message`. */
export function formatText(findings: readonly LintFinding[]): string {
  return findings
    .map(
      (f) =>
        `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.check}: ${f.message}${f.rule !== undefined ? ` (rule ${f.rule})` : ''}\n`,
    )
    .join('');
}

/** The findings as a JSON array, for scripts. */
export function formatJson(findings: readonly LintFinding[]): string {
  return `${JSON.stringify(findings, null, 2)}\n`;
}

function sarifLevel(severity: LintSeverity): 'error' | 'warning' | 'note' {
  switch (severity) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'note';
    default:
      return assertNever(severity);
  }
}

/** A path as a SARIF artifact URI: forward slashes, percent-encoded, relative paths kept relative. */
function artifactUri(path: string): string {
  return encodeURI(path.replaceAll('\\', '/'));
}

/**
 * The findings as a SARIF 2.1.0 log (one run of the `vigil-lint` driver, every check listed as a
 * rule), for GitHub code scanning and other SARIF viewers.
 */
export function formatSarif(findings: readonly LintFinding[], toolVersion: string): string {
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vigil-lint',
            version: toolVersion,
            rules: LINT_CHECKS.map((check) => ({
              id: check,
              shortDescription: { text: describeCheck(check) },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.check,
          ruleIndex: LINT_CHECKS.indexOf(f.check),
          level: sarifLevel(f.severity),
          message: { text: f.rule !== undefined ? `${f.message} (rule ${f.rule})` : f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file) },
                region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
