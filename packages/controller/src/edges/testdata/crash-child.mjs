// A controller process for `crash.test.ts`, run by `node` on the built dist: it runs the daily
// cycle on a simulated clock (one minute per tick) and SIGKILLs itself at the named point, the
// way a machine losing power would stop it (no handlers, no flush).
//   node crash-child.mjs <dir> <definitions.yaml> <kill point> <start ms>
// Kill points: `canary` (three looks into the canary, candidate written), `promoting` (decision
// recorded, the new version pending in the history, before the parameters file is written),
// `staged` (the new file's temporary copy written and synced, killed before the rename),
// `promoted` (file written, before the promotion is confirmed to the core), `rollback` (after the
// promotion, an operator rollback killed between its temporary write and the rename), `none`.
import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AutopilotRunner, ParametersStore } from '@vigil/controller';
import { loadModel } from '@vigil/compiler';
import { stageFile, writeFileAtomically } from '@vigil/conventions/atomic-file';

const [dir, definitionsFile, killAt, startMs] = process.argv.slice(2);
const model = loadModel([{ path: definitionsFile, text: await readFile(definitionsFile, 'utf8') }]);
if (!model.ok) {
  console.error(JSON.stringify(model.issues));
  process.exit(2);
}
let clock = Number(startMs);
const die = (point) => {
  writeSync(1, `killed at ${point}\n`);
  process.kill(process.pid, 'SIGKILL');
};
const file = join(dir, 'card.yaml');
let rollingBack = false;
const store = new ParametersStore({
  file,
  now: () => new Date(clock),
  writeFile: async (path, content) => {
    if (path === file && killAt === 'promoting') die('promoting');
    if (path === file && (killAt === 'staged' || (killAt === 'rollback' && rollingBack))) {
      // The new content is fsynced beside the file; the rename never happens.
      await stageFile(path, content);
      die(killAt);
    }
    await writeFileAtomically(path, content);
  },
});
const runner = new AutopilotRunner({
  autopilot: model.value.autopilots[0],
  root: dir,
  now: () => clock,
  store,
  seed: 7,
  notify: (notice) => {
    writeSync(1, `${JSON.stringify(notice)}\n`);
    if (notice.name === 'canary-promoted' && killAt === 'promoted') die('promoted');
  },
});
await runner.start();
await runner.tick();
let looks = 0;
for (let minute = 0; minute < 75; minute++) {
  clock += 60_000;
  await runner.tick();
  const state = await runner.state();
  if (state.phase === 'canary' && !state.cycle?.decision && ++looks === 3 && killAt === 'canary') die('canary');
  if (state.phase === 'idle') break;
}
if (killAt === 'rollback') {
  // An operator's rollback to the first version, killed between its temporary write and the rename.
  const initial = (await store.history()).find((v) => v.author === 'initial');
  rollingBack = true;
  await store.rollback(initial.id, 'operator rollback');
}
runner.db.close();
writeSync(1, 'finished\n');
