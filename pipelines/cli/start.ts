/** `npm start`: the whole job on the bundled synthetic sample drops, in a warehouse of their own, and its dashboard. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './command.ts';
import { pipelineCommand, SAMPLE_WAREHOUSE } from './pipeline.ts';
import { dashboardsCommand } from './dashboards.ts';

const SAMPLE = 'data/sample';

export const startSpec = {
  name: 'npm start --',
  summary: `Loads the bundled synthetic sample drops (${SAMPLE}/) into their own warehouse, ${SAMPLE_WAREHOUSE}, rebuilds the models `
    + 'and writes its dashboard. Real drops go into another warehouse with npm run pipeline.',
  options: {
    out: { value: 'DIR', help: 'where quarantine and warning files and the dashboard go, in a folder per warehouse', default: 'out' },
  },
  examples: ['npm start'],
};

if (import.meta.url === `file://${process.argv[1]}`) {
  runCommand(startSpec, async ({ values }) => {
    const drops = readdirSync(SAMPLE).filter((d) => statSync(join(SAMPLE, d)).isDirectory()).sort().map((d) => join(SAMPLE, d));
    console.log(`Loading ${drops.length} SYNTHETIC sample drops into their own warehouse, ${SAMPLE_WAREHOUSE}`);
    console.log('(your own drops go into data/warehouse.duckdb: npm run pipeline -- DROP)');
    await pipelineCommand(drops, SAMPLE_WAREHOUSE, values.out!);
    console.log('');
    await dashboardsCommand({ dbPath: SAMPLE_WAREHOUSE, outDir: join(values.out!, 'sample', 'dashboards') });
  });
}
