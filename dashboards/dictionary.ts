/**
 * The metric dictionary, read from the README's "Metric dictionary" section: the one place where
 * each mart column's Persian name, formula and unit are written, so the source line under a
 * chart says exactly what the README says.
 */
import { readFileSync } from 'node:fs';

export interface MetricDefinition {
  mart: string;
  column: string;
  nameFa: string;
  /** The column's own Persian name where a row names several columns and as many names (split by «،»). */
  labelFa: string;
  formula: string;
  unit: string;
}

/** Every `mart.column` defined in the README's metric dictionary tables. */
export function readMetricDictionary(readmePath = 'README.md'): Map<string, MetricDefinition> {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf('## Metric dictionary');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const metrics = new Map<string, MetricDefinition>();
  let mart: string | undefined;
  for (const line of section.split('\n')) {
    const heading = /^### (mart_[a-z_]+)/.exec(line);
    if (heading) {
      mart = heading[1];
      continue;
    }
    if (line.startsWith('### ')) {
      mart = undefined;
      continue;
    }
    if (!mart || !line.startsWith('|') || /^\|\s*(column|---)/.test(line)) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length < 4) continue;
    const [columns, nameFa, formula, unit] = cells as [string, string, string, string];
    // A row may define several columns ("referred_count, referred_amount", "a / _amount").
    const names = columns
      .replace(/`/g, '')
      .split(/,|\//)
      .map((c) => c.trim())
      .filter(Boolean);
    const labels = nameFa.split('،').map((l) => l.trim());
    for (const [i, column] of names.entries()) {
      if (!/^[a-z_]+$/.test(column)) continue;
      const labelFa = labels.length === names.length ? labels[i]! : nameFa;
      metrics.set(`${mart}.${column}`, { mart, column, nameFa, labelFa, formula: formula.replace(/`/g, ''), unit });
    }
  }
  return metrics;
}
