import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../test/support/binaries.js';
import { runCli } from './main.js';
import { EXIT } from './exit-codes.js';

const skip = missingBinaries('amtool', 'promtool') !== undefined;

let root: string;
let out: string;
let err: string;
const io = {
  out: (t: string) => {
    out += t;
  },
  err: (t: string) => {
    err += t;
  },
};
const vigil = (...args: string[]) => runCli(['--root', root, ...args], io, {});

const routing = (routes: string) => `apiVersion: vigil.dev/v1
notifications:
  default_receiver: unrouted
  receivers:
    - { name: unrouted, webhook: [{ url: "http://127.0.0.1:9099/" }] }
    - { name: web-chat, slack: [{ api_url: { file: /run/secrets/slack }, channel: "#web" }] }
  routes:
${routes}`;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-cli-routes-'));
  await cp(join(import.meta.dirname, 'testdata/in-basic'), root, { recursive: true });
  out = '';
  err = '';
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe.skipIf(skip)('vigil generate / check / validate with notifications', () => {
  it('writes the Alertmanager files; check passes when every alert has an owner, validate runs amtool', async () => {
    await writeFile(join(root, 'definitions/routing.yaml'), routing('    - { team: web, receiver: web-chat }\n    - { alertname: VigilWatchdog, receiver: web-chat }\n'));
    expect(await vigil('generate')).toBe(EXIT.ok);
    expect(await readFile(join(root, 'alertmanager/alertmanager.yml'), 'utf8')).toContain('api_url_file: /run/secrets/slack');
    expect(await readFile(join(root, 'alertmanager/templates/vigil.tmpl'), 'utf8')).toContain('define "vigil.slack.text"');
    out = '';
    expect(await vigil('check')).toBe(EXIT.ok);
    expect(out).toMatch(/Route tests \(amtool\): (\d+)\/\1 alerts reach a receiver other than unrouted/);
    out = '';
    expect(await vigil('validate')).toBe(EXIT.ok);
    expect(out).toContain('amtool check-config: ok');
  });

  it('check fails, naming the alert, when an alert would reach only the default receiver', async () => {
    await writeFile(join(root, 'definitions/routing.yaml'), routing('    - { team: web, receiver: web-chat }\n'));
    expect(await vigil('generate')).toBe(EXIT.ok);
    out = '';
    expect(await vigil('check')).toBe(EXIT.checkFailed);
    expect(out).toMatch(/^vigil check: outputs match the definitions \(\d+ files\)\.$/m);
    expect(out).toContain('VigilWatchdog reaches only unrouted {alertname=VigilWatchdog severity=info}');
  });

  it('rejects an inline secret with its file and line, and writes nothing', async () => {
    await writeFile(
      join(root, 'definitions/routing.yaml'),
      routing('    - { team: web, receiver: web-chat }\n').replace('{ file: /run/secrets/slack }', '"https://hooks.slack.example/T0/B0/xyz"'),
    );
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toMatch(/definitions\/routing\.yaml:6:\d+: notifications\.receivers\.1\.slack\.0\.api_url: inline secrets are not allowed/);
    await expect(readFile(join(root, 'alertmanager/alertmanager.yml'), 'utf8')).rejects.toThrow();
  });
});
