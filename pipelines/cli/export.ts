/**
 * `npm run export -- (--xlsx FILE | --csv DIR | --rejects DIR [--load N] | --parquet DIR) [--db FILE]`:
 * the marts for committee members (a workbook, or CSVs for Excel), the rejected rows back to
 * their senders, and Parquet for a national roll-up. Several outputs may be asked at once.
 */
import { relative } from 'node:path';
import { exportMartsCsv } from '../publish/csv.ts';
import { exportParquet } from '../publish/parquet.ts';
import { exportRejects } from '../publish/rejects.ts';
import { withWarehouse } from '../publish/tables.ts';
import { exportMartsWorkbook } from '../publish/xlsx.ts';
import { runCommand, type CommandSpec, type OptionSpec } from './command.ts';
import { DEFAULT_WAREHOUSE } from './pipeline.ts';

export const exportSpec = {
  name: 'npm run export --',
  summary: 'Writes the warehouse\'s marts to an Excel workbook or to CSV files, the rejected rows of a load back to their senders, '
    + 'or the marts and core tables as Parquet for a national roll-up.',
  options: {
    xlsx: { value: 'FILE', help: 'the marts in one right-to-left workbook, a sheet per mart and a sheet of definitions' },
    csv: { value: 'DIR', help: 'each mart as DIR/<mart>.csv (UTF-8 with BOM, formula-like cells escaped)' },
    rejects: { value: 'DIR', help: 'a workbook per source file of the rows a load quarantined, with what is wrong in Persian' },
    load: { value: 'N', help: 'the load whose rejected rows --rejects writes (default: the latest)' },
    parquet: { value: 'DIR', help: 'every mart and core table as Parquet (ZSTD), in DIR/<table>/province=…/year=…/' },
    db: { value: 'FILE', help: 'the warehouse', default: DEFAULT_WAREHOUSE },
  },
  examples: [
    'npm run export -- --xlsx out/marts.xlsx',
    'npm run export -- --db data/sample.duckdb --csv out/sample/csv --rejects out/sample/rejects',
    'npm run export -- --rejects out/rejects --load 3',
    'npm run export -- --parquet /srv/national/parquet',
  ],
} satisfies CommandSpec<Record<string, OptionSpec>>;

type ExportValues = { [K in keyof typeof exportSpec.options]?: string };

/** Writes what `values` asks for and prints where it went. */
export async function exportCommand(values: ExportValues): Promise<void> {
  const { xlsx, csv, rejects, parquet } = values;
  if (!xlsx && !csv && !rejects && !parquet) throw new Error('say what to export: --xlsx FILE, --csv DIR, --rejects DIR or --parquet DIR (see --help)');
  if (values.load !== undefined && !rejects) throw new Error('--load N goes with --rejects DIR');
  const load = values.load === undefined ? undefined : Number(values.load);
  if (load !== undefined && !(Number.isInteger(load) && load > 0)) throw new Error(`--load ${values.load}: expected a load number such as 3`);
  const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || path);
  await withWarehouse(values.db!, async (connection) => {
    if (xlsx) {
      const result = await exportMartsWorkbook(connection, xlsx);
      const text = result.textCells > 0 ? `; ${result.textCells} figures beyond Excel's 15 digits written as exact text` : '';
      console.log(`Workbook: ${shown(xlsx)} (${result.sheets.length} sheets, ${result.rows.toLocaleString('en-US')} rows${text})`);
    }
    if (csv) {
      const files = await exportMartsCsv(connection, csv);
      console.log(`CSV:      ${files.length} marts in ${shown(csv)}/`);
    }
    if (rejects) {
      const result = await exportRejects(connection, rejects, load);
      const rows = result.files.reduce((sum, f) => sum + f.rows, 0);
      console.log(`Rejected: ${rows} rows of load ${result.loadId} in ${result.files.length} workbooks under ${shown(rejects)}/`);
      for (const file of result.files) console.log(`  ${shown(file.path)}: ${file.rows} rows of ${file.sourceFile}`);
    }
    if (parquet) {
      const result = await exportParquet(connection, parquet);
      console.log(`Parquet:  ${result.tables.length} tables of province ${result.province} in ${shown(parquet)}/<table>/province=${result.province}/`);
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCommand(exportSpec, ({ values }) => exportCommand(values));
}
