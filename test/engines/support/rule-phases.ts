import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

interface RuleFileDoc {
  groups: { name: string; interval?: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

/** Whether `expr` selects the series `name` (recorded names hold `:`, so no word boundary helps). */
function references(expr: string, name: string): boolean {
  let from = 0;
  for (;;) {
    const at = expr.indexOf(name, from);
    if (at < 0) return false;
    const before = expr[at - 1] ?? ' ';
    const after = expr[at + name.length] ?? ' ';
    if (!/[\w:]/.test(before) && !/[\w:]/.test(after)) return true;
    from = at + 1;
  }
}

/**
 * Splits rule files into phases by dependency: phase 0 holds the rules that read only scraped
 * series, phase k those that read a series recorded in phase k-1. Each rule is copied verbatim,
 * in its own group (same name and interval). A replay that runs the phases in order, making the
 * store's writes searchable between phases, needs no timing guess for chained rules.
 */
export function rulePhases(files: readonly string[]): string[] {
  const docs = files.map((file) => parse(readFileSync(file, 'utf8')) as RuleFileDoc);
  const level = new Map<string, number>();
  const rules = docs.flatMap((doc) => doc.groups.flatMap((group) => group.rules.map((rule) => ({ group, rule }))));
  // Rules are listed after what they read (the compiler orders them so): one pass suffices.
  const levelOf = rules.map(({ rule }) => {
    let own = 0;
    for (const [name, at] of level) if (references(rule.expr, name)) own = Math.max(own, at + 1);
    if (rule.record !== undefined) level.set(rule.record, Math.max(level.get(rule.record) ?? 0, own));
    return own;
  });
  const phases: string[] = [];
  for (let phase = 0; phase <= Math.max(0, ...levelOf); phase++) {
    const groups = new Map<string, { name: string; interval?: string; rules: unknown[] }>();
    rules.forEach(({ group, rule }, i) => {
      if (levelOf[i] !== phase) return;
      const into = groups.get(group.name) ?? { name: group.name, ...(group.interval ? { interval: group.interval } : {}), rules: [] };
      into.rules.push(rule);
      groups.set(group.name, into);
    });
    phases.push(stringify({ groups: [...groups.values()] }));
  }
  return phases;
}
