/**
 * The commands of docs/use-vigil-in-your-repository.md, in order, as the packed-tarball test
 * runs them: `doc` is the line a user types, `run` what the test runs instead when the
 * packages are not on the registry (the packed tarballs) or a port must be free.
 */
export interface WalkthroughStep {
  doc: string;
  /** What the test runs for this line: the tarballs for package names, a free port. */
  kind: 'install-dev' | 'install' | 'run' | 'start';
}

export const WALKTHROUGH: readonly WalkthroughStep[] = [
  { doc: 'npm install --save-dev @vigil/cli typescript @types/node', kind: 'install-dev' },
  { doc: 'npm install @vigil/instrumentation', kind: 'install' },
  { doc: 'npx vigil init --service shop --ci script', kind: 'run' },
  { doc: 'npx vigil generate', kind: 'run' },
  { doc: 'npx vigil validate', kind: 'run' },
  { doc: 'npx vigil check', kind: 'run' },
  { doc: 'sh scripts/vigil-ci.sh', kind: 'run' },
  { doc: 'npm run build --prefix services/shop', kind: 'run' },
  { doc: 'PORT=9464 npm start --prefix services/shop', kind: 'start' },
];

/** The command lines of a Markdown document's `sh` blocks (comments and blank lines left out). */
export function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) => block.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')));
}
