/** The page header: title, range picker, refresh button and the variables' selects. */
import type { PageVariable } from '../page-config.js';
import { el, setParam } from './dom.js';
import { type ApiGet, type PageState, rangeSeconds } from './page-state.js';
import { labelValuesRequest, namesVariable, parseRange, RANGES, selectionValue } from './queries.js';

/** What the header calls back into. */
export interface HeaderActions {
  get: ApiGet;
  /** Reloads every panel of the open rows. */
  refreshAll(): void;
}

/** A `query` variable's reload, so variables that name it can list new values first. */
interface VariableReload {
  name: string;
  query: string;
  reload(): Promise<void>;
}

/** Builds the header; `state.variableValues` is filled as the variables get their values. */
export function buildHeader(state: PageState, actions: HeaderActions): HTMLElement {
  const dashboard = state.dashboard;
  const header = el('header', 'vd-header');
  const heading = header.appendChild(el('h1', 'vd-title', dashboard.title));
  if (dashboard.description) heading.title = dashboard.description;
  const controls = el('div', 'vd-controls');
  const ranges = RANGES.indexOf(state.defaultRange) < 0 ? [state.defaultRange, ...RANGES] : RANGES;
  const picker = el('div', 'vd-ranges');
  picker.setAttribute('role', 'group');
  picker.setAttribute('aria-label', 'time range');
  for (const range of ranges) {
    const button = el('button', 'vd-range', range);
    button.type = 'button';
    button.dataset.range = range;
    button.setAttribute('aria-pressed', String(range === state.rangeText));
    button.addEventListener('click', () => {
      state.rangeText = range;
      setParam('range', range);
      picker.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.range === range)));
      actions.refreshAll();
    });
    picker.appendChild(button);
  }
  controls.appendChild(picker);
  const refreshButton = el('button', 'vd-refresh', '↻');
  refreshButton.type = 'button';
  refreshButton.title = 'refresh now';
  refreshButton.addEventListener('click', () => actions.refreshAll());
  controls.appendChild(refreshButton);
  const refreshSeconds = parseRange(state.refreshText);
  controls.appendChild(el('span', 'vd-meta', (refreshSeconds ? 'every ' + state.refreshText + ' · ' : '') + (state.prometheusUrl || 'no Prometheus')));
  header.appendChild(controls);
  const variables = el('div', 'vd-variables');
  const reloads: VariableReload[] = [];
  for (const variable of dashboard.variables || []) variables.appendChild(buildVariable(variable, state, actions, reloads));
  header.appendChild(variables);
  return header;
}

function buildVariable(variable: PageVariable, state: PageState, actions: HeaderActions, reloads: VariableReload[]): HTMLElement {
  const name = variable.name;
  const label = el('label', 'vd-variable');
  label.appendChild(el('span', '', (variable.label || name) + ' '));
  const select = el('select');
  select.dataset.variable = name;
  const all = el('option', '', 'All');
  all.value = '$__all';
  select.appendChild(all);
  const fromUrl = state.params.get('var-' + name);
  const fill = (values: string[]): void => {
    const keep = select.value !== '$__all' ? select.value : fromUrl;
    select.replaceChildren(all);
    for (const value of values) {
      const option = el('option', '', value);
      option.value = value;
      select.appendChild(option);
    }
    select.value = keep && values.indexOf(keep) >= 0 ? keep : '$__all';
    state.variableValues[name] = selectionValue([select.value]);
  };
  state.variableValues[name] = fromUrl ? selectionValue([fromUrl]) : '.*';
  switch (variable.kind) {
    case 'custom':
      fill(variable.values);
      break;
    case 'query': {
      // label_values(<selector>, <label>): the selector may name other variables ($service).
      const query = variable.query;
      const reload = (): Promise<void> => {
        const context = { stepSeconds: 60, scrapeSeconds: state.scrapeSeconds, rangeSeconds: rangeSeconds(state), variables: state.variableValues };
        const request = labelValuesRequest(query, name, context);
        return actions.get<string[]>(request.path, request.params).then(fill, () => fill([]));
      };
      reloads.push({ name, query, reload });
      void reload();
      break;
    }
  }
  select.addEventListener('change', () => {
    state.variableValues[name] = selectionValue([select.value]);
    setParam('var-' + name, select.value === '$__all' ? '' : select.value);
    // Variables whose query names this one list new values first, then the panels reload.
    const dependents = reloads.filter((r) => r.name !== name && namesVariable(r.query, name));
    void Promise.all(dependents.map((r) => r.reload())).then(() => actions.refreshAll());
  });
  label.appendChild(select);
  return label;
}
