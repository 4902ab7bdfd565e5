/** `npm run notebooks -- [--db FILE] [--out DIR]`: every notebook of notebooks/ built into one offline page. */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { closeWarehouse, openWarehouse, queryRows } from '../db.ts';
import { runCommand, type CommandSpec } from './command.ts';
import { DEFAULT_WAREHOUSE, issuesFolder, SAMPLE_WAREHOUSE } from './pipeline.ts';

export const notebooksSpec = {
  name: 'npm run notebooks --',
  summary:
    'Builds every notebook in notebooks/ (Observable Notebook Kit files) into one self-contained HTML page each, ' +
    'Persian and right to left, that opens from file:// with no network; the SQL cells are answered from the ' +
    'warehouse when the page is built.',
  options: {
    db: {
      value: 'FILE',
      help: `the warehouse the SQL cells read (default ${DEFAULT_WAREHOUSE}, or the SYNTHETIC sample ${SAMPLE_WAREHOUSE} when that does not exist)`,
    },
    out: { value: 'DIR', help: 'where the pages go (default out/<warehouse>/notebooks, e.g. out/sample/notebooks)' },
    only: { value: 'NAME', help: 'build only this notebook (notebooks/NAME.html); several names separated by commas' },
  },
  examples: [
    'npm run notebooks',
    'npm run notebooks -- --db data/warehouse.duckdb --out /tmp/notebooks',
    'npm run notebooks -- --only late-quotas',
  ],
} satisfies CommandSpec<Record<string, { value?: string; help: string; default?: string }>>;

/** The warehouse to read: the one named, else the real one, else the sample; with why, for the output. */
export function chooseWarehouse(db: string | undefined): { dbPath: string; note: string } {
  if (db) {
    if (!existsSync(db))
      throw new Error(
        `the warehouse ${db} does not exist; load drops first with npm run pipeline -- DROP... --db FILE`,
      );
    return { dbPath: db, note: '' };
  }
  if (existsSync(DEFAULT_WAREHOUSE)) return { dbPath: DEFAULT_WAREHOUSE, note: '' };
  if (existsSync(SAMPLE_WAREHOUSE)) {
    return { dbPath: SAMPLE_WAREHOUSE, note: ` (the SYNTHETIC sample: ${DEFAULT_WAREHOUSE} does not exist yet)` };
  }
  throw new Error(
    `no warehouse: neither ${DEFAULT_WAREHOUSE} nor the sample ${SAMPLE_WAREHOUSE} exists; ` +
      'run npm start (the sample) or npm run pipeline -- DROP (your drops), or name one with --db FILE',
  );
}

/** The default folder of the pages: `notebooks` in the warehouse's own output folder under out/. */
async function defaultOutDir(dbPath: string): Promise<string> {
  const warehouse = await openWarehouse(dbPath, { readOnly: true });
  try {
    const [row] = await queryRows<{ id: string }>(
      warehouse.connection,
      `select value as id from warehouse_info where name = 'warehouse_id'`,
    );
    if (!row)
      throw new Error(`${dbPath} has no warehouse_id in warehouse_info; is it a warehouse built by npm run pipeline?`);
    return join(issuesFolder('out', dbPath, row.id), 'notebooks');
  } finally {
    closeWarehouse(warehouse);
  }
}

/** Builds the notebooks and prints each page with its size and build time. */
export async function notebooksCommand(options: { db?: string; out?: string; only?: string }): Promise<void> {
  const { dbPath, note } = chooseWarehouse(options.db);
  const outDir = options.out ?? (await defaultOutDir(dbPath));
  console.log(`Warehouse: ${dbPath}${note}`);
  // Vite and the Notebook Kit load only when there is something to build, so --help answers at once.
  const { buildNotebooks, NOTEBOOKS_DIR } = await import('../../dashboards/notebooks/build.ts');
  console.log(`Notebooks: ${relative(process.cwd(), NOTEBOOKS_DIR)}/ → ${outDir}/`);
  const only = options.only
    ?.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const result = await buildNotebooks({ dbPath, outDir, only });
  const width = Math.max(...result.pages.map((p) => p.name.length)) + 5;
  for (const page of result.pages) {
    const kb = `${Math.round(page.bytes / 1024).toLocaleString('en-US')} KB`;
    console.log(`  ${`${page.name}.html`.padEnd(width)} ${kb.padStart(9)}  ${(page.ms / 1000).toFixed(1)} s`);
  }
  console.log(
    `Built ${result.pages.length} page${result.pages.length === 1 ? '' : 's'} in ${(result.ms / 1000).toFixed(1)} s${result.synthetic ? ', marked SYNTHETIC (sample data)' : ''}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCommand(notebooksSpec, ({ values }) => notebooksCommand({ db: values.db, out: values.out, only: values.only }));
}
