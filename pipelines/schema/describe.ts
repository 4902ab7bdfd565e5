/** The data contract as Markdown, derived from the dataset schemas (the README's contract tables). */
import type { z } from 'zod';
import { columnMeta } from './columns.ts';
import { DATASETS, type DatasetDefinition } from './datasets.ts';
import { SQL_TYPE } from './warehouse.ts';

const KIND_WORDS: Record<string, string> = {
  int: 'whole number',
  money: 'money → million rials, DECIMAL(18,6)',
  decimal: 'number',
  code: 'code',
  code_list: 'list of codes',
  text: 'text',
  enum: 'one of a list',
  date: 'Jalali date → DATE + `_jalali` text',
};

function datasetMarkdown(dataset: DatasetDefinition): string {
  const lines = [
    `#### \`${dataset.name}\` (${dataset.label})`,
    '',
    `Grain: ${dataset.grain}. Natural key: ${dataset.naturalKey.map((k) => `\`${k}\``).join(', ')}.`,
    '',
    '| column | Persian label | required | kind | rule | other accepted headers |',
    '|---|---|---|---|---|---|',
  ];
  for (const [name, column] of Object.entries(dataset.schema.shape) as [string, z.ZodType][]) {
    const meta = columnMeta(column);
    const enumNames = meta.valueNames
      ? ` (${Object.entries(meta.valueNames).map(([v, names]) => `${v}: ${names.join(' / ')}`).join('; ')})`
      : '';
    lines.push(`| \`${name}\` | ${meta.label} | ${column.isOptional() ? 'no' : 'yes'} | ${KIND_WORDS[meta.kind] ?? SQL_TYPE[meta.kind]} | ${meta.expected}${enumNames} | ${(meta.aliases ?? []).join('، ')} |`);
  }
  for (const rule of dataset.rules) lines.push('', `Also: \`${rule.column}\` must be given when \`${rule.breaks.replace(/ and .*$/, '')}\` (${rule.expected}).`);
  return lines.join('\n');
}

/** Every dataset's contract table, in the order of CONTRACT §2. */
export function contractMarkdown(): string {
  return Object.values(DATASETS).map((d) => datasetMarkdown(d)).join('\n\n');
}
