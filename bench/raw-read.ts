/** The baseline of bench/load.ts: DuckDB alone reading a CSV into a table of a fresh warehouse file. */
import { closeWarehouse, openWarehouse } from '../pipelines/db.ts';

const [csv, db] = process.argv.slice(2) as [string, string];
const warehouse = await openWarehouse(db);
const started = Date.now();
await warehouse.connection.run(`create table t as select * from read_csv('${csv.replace(/'/g, "''")}')`);
console.log(`raw read_csv: ${Date.now() - started} ms`);
closeWarehouse(warehouse);
