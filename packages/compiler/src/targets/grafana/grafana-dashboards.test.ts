import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate, type Generation } from '../../generate.js';
import { PANEL_TYPES } from '../../model/dashboards.js';
import { readDefinitionsDir } from '../../../../../test/support/definitions.js';
import { DASHBOARDS_DIR, PROMETHEUS_DATASOURCE, thresholdSteps } from './grafana-dashboards.js';
import { GRAFANA_DASHBOARDS_PATH, PROVISIONING_DIR } from './grafana-provisioning.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');

interface JsonPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource: { uid: string } }[];
  panels?: JsonPanel[];
  collapsed?: boolean;
  fieldConfig?: { defaults: { unit?: string; thresholds: { steps: { value: number | null; color: string }[] }; custom?: Record<string, unknown> } };
}

interface JsonDashboard {
  uid: string;
  title: string;
  refresh?: string;
  time: { from: string; to: string };
  panels: JsonPanel[];
  templating: { list?: { name: string; type: string }[] };
}

function flatten(panels: readonly JsonPanel[]): JsonPanel[] {
  return panels.flatMap((panel) => [panel, ...flatten(panel.panels ?? [])]);
}

describe('generated Grafana dashboards (the committed definitions)', () => {
  let generation: Generation;
  let boards: { path: string; json: JsonDashboard }[];

  beforeAll(async () => {
    const result = generate(await readDefinitionsDir(join(ROOT, 'definitions'), ROOT));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    generation = result.value;
    boards = generation.outputs
      .filter((output) => output.path.startsWith('grafana/dashboards/'))
      .map((output) => ({ path: output.path, json: JSON.parse(output.content) as JsonDashboard }));
  });

  it('writes one file per dashboard, named after its uid, with the refresh and time range asked for', () => {
    expect(boards.map((board) => board.path)).toEqual(generation.model.dashboards.map((board) => `grafana/dashboards/${board.uid}.json`).sort());
    const byUid = new Map(boards.map((board) => [board.json.uid, board.json]));
    expect(byUid.get('vvtv-business-logic')).toMatchObject({ title: 'VVTV Business Logic Overview', refresh: '5m', time: { from: 'now-24h', to: 'now' } });
    expect(byUid.get('vvtv-autopilot-health')).toMatchObject({ title: 'VVTV Autopilot Health', refresh: '1m' });
    expect(byUid.get('vigil-slo-overview')?.title).toBe('SLO overview');
  });

  it('uses only known panel types, queries the provisioned Prometheus, and gives every panel its own id', () => {
    for (const { path, json } of boards) {
      const panels = flatten(json.panels);
      const ids = panels.map((panel) => panel.id);
      expect(new Set(ids).size, path).toBe(ids.length);
      for (const panel of panels) {
        if (panel.type === 'row') continue;
        expect(PANEL_TYPES as readonly string[], `${path} ${panel.title}`).toContain(panel.type);
        expect(panel.datasource, `${path} ${panel.title}`).toEqual(PROMETHEUS_DATASOURCE);
        expect(panel.targets?.length, `${path} ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe(PROMETHEUS_DATASOURCE.uid);
        expect(panel.fieldConfig?.defaults.unit, `${path} ${panel.title}`).toMatch(/^\S+$/);
      }
    }
  });

  it('places panels on the 24-column grid without overlap, rows included', () => {
    for (const { path, json } of boards) {
      const boxes = flatten(json.panels).map((panel) => ({ title: panel.title, ...panel.gridPos }));
      for (const box of boxes) expect(box.x + box.w, `${path} ${box.title}`).toBeLessThanOrEqual(24);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i] as (typeof boxes)[number];
          const b = boxes[j] as (typeof boxes)[number];
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${path}: ${a.title} overlaps ${b.title}`).toBe(false);
        }
      }
    }
  });

  it('keeps expanded rows flat and collapsed rows holding their panels, as Grafana reads them', () => {
    const chorus = boards.find((board) => board.json.uid === 'chorus-trust')?.json as JsonDashboard;
    const rows = chorus.panels.filter((panel) => panel.type === 'row');
    expect(rows.map((row) => [row.title, row.collapsed, row.panels?.length])).toEqual([
      ['Trust', false, 0],
      ['Conflicts and interventions', false, 0],
      ['Dependencies', true, 5],
      ['API', true, 3],
    ]);
  });

  it('draws the threshold of every alert on the panels that show its metric', () => {
    const byUid = new Map(boards.map((board) => [board.json.uid, board.json]));
    let checked = 0;
    for (const board of generation.model.dashboards) {
      const json = byUid.get(board.uid) as JsonDashboard;
      const jsonPanels = flatten(json.panels).filter((panel) => panel.type !== 'row');
      board.rows.flatMap((row) => row.panels).forEach((panel, index) => {
        const watching = generation.model.alerts.filter(
          (alert) => (alert.condition.kind === 'threshold' || alert.condition.kind === 'forecast') && alert.condition.value.metric.name === panel.metric,
        );
        const shown = jsonPanels[index] as JsonPanel;
        expect(shown.title).toBe(panel.title);
        if (watching.length === 0 || panel.type === 'heatmap' || panel.queries.some((q) => q.expr.includes('increase('))) return;
        const steps = shown.fieldConfig?.defaults.thresholds.steps ?? [];
        for (const alert of watching) {
          const bound = (alert.condition as { bound: { value: number } }).bound.value;
          expect(steps.map((step) => step.value), `${board.uid} ${panel.title} ${alert.name}`).toContain(bound);
        }
        if (shown.type === 'timeseries') expect(shown.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'dashed+area' });
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('names the generated provisioning files and keeps the data source uid', () => {
    const paths = generation.outputs.filter((output) => output.path.startsWith('grafana/provisioning/')).map((output) => output.path);
    expect(paths).toEqual(['grafana/provisioning/dashboards/vigil.yml', 'grafana/provisioning/datasources/prometheus.yml']);
    const provider = generation.outputs.find((output) => output.path === 'grafana/provisioning/dashboards/vigil.yml')?.content ?? '';
    expect(provider).toContain(`path: ${GRAFANA_DASHBOARDS_PATH}`);
    // docker-compose.yml mounts the generated folders where the provider and Grafana look.
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: { grafana: { volumes: string[] } } };
    const volumes = compose.services.grafana.volumes.map((volume) => volume.split(':').slice(0, 2).join(':'));
    expect(volumes).toContain(`./${DASHBOARDS_DIR}:${GRAFANA_DASHBOARDS_PATH}`);
    expect(volumes).toContain(`./${PROVISIONING_DIR}:/etc/grafana/provisioning`);
  });
});

describe('thresholdSteps', () => {
  it('colors the band above a `>` line by severity, the worst alert winning', () => {
    expect(
      thresholdSteps([
        { value: 80, op: '>', severity: 'warning', alert: 'Hot' },
        { value: 95, op: '>', severity: 'critical', alert: 'VeryHot' },
      ]),
    ).toEqual([
      { value: null, color: 'green' },
      { value: 80, color: 'orange' },
      { value: 95, color: 'red' },
    ]);
  });

  it('colors the band below a `<` line, and both sides when lines face each other', () => {
    expect(thresholdSteps([{ value: 0.3, op: '<', severity: 'warning', alert: 'Low' }])).toEqual([
      { value: null, color: 'orange' },
      { value: 0.3, color: 'green' },
    ]);
    expect(
      thresholdSteps([
        { value: 0.1, op: '<', severity: 'critical', alert: 'Empty' },
        { value: 0.9, op: '>', severity: 'info', alert: 'Full' },
      ]),
    ).toEqual([
      { value: null, color: 'red' },
      { value: 0.1, color: 'green' },
      { value: 0.9, color: 'blue' },
    ]);
  });

  it('is plain green without alerts', () => {
    expect(thresholdSteps([])).toEqual([{ value: null, color: 'green' }]);
  });
});
