/** `npm start`: the whole job on the bundled synthetic sample drops. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from './args.ts';
import { DEFAULT_WAREHOUSE, pipelineCommand } from './pipeline.ts';
import { DEFAULT_DASHBOARD_DIR, dashboardsCommand } from './dashboards.ts';

const SAMPLE = 'data/sample';

runMain(async () => {
  const drops = readdirSync(SAMPLE).filter((d) => statSync(join(SAMPLE, d)).isDirectory()).sort().map((d) => join(SAMPLE, d));
  console.log(`Loading ${drops.length} synthetic sample drops into ${DEFAULT_WAREHOUSE}`);
  await pipelineCommand(drops, DEFAULT_WAREHOUSE, 'out');
  await dashboardsCommand({ dbPath: DEFAULT_WAREHOUSE, outDir: DEFAULT_DASHBOARD_DIR });
});
