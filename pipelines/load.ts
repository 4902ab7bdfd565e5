/**
 * Load: upserts a dataset's clean rows into its core table by natural key (CONTRACT §5).
 * Identical rows of one key load once (with a warning); rows of one key that differ are all
 * quarantined; a row equal to the one already stored leaves it untouched, a changed row replaces it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetDefinition } from './schema/datasets.ts';
import { coreColumns } from './schema/warehouse.ts';
import { ident, literal, queryRows } from './db.ts';
import type { CleanFile } from './validate.ts';

export interface FileLoadCounts { loaded: number; unchanged: number; duplicates: number; conflicts: number; warnings: number }

/** SQL that is true when the key columns of aliases `a` and `b` are equal (NULL matching NULL). */
function keyMatch(dataset: DatasetDefinition, a: string, b: string): string {
  return dataset.naturalKey.map((k) => `${a}.${ident(k)} is not distinct from ${b}.${ident(k)}`).join(' and ');
}

/** Loads the clean rows of `files` (all of `dataset`) into the core table; returns counts per file name. */
export async function loadDataset(
  connection: DuckDBConnection, dataset: DatasetDefinition, files: CleanFile[], loadId: number,
): Promise<Map<string, FileLoadCounts>> {
  const columns = coreColumns(dataset).filter((c) => c.kind !== 'lineage').map((c) => c.name);
  const quoted = columns.map(ident).join(', ');
  const keys = dataset.naturalKey.map(ident).join(', ');
  const name = dataset.name;
  const staged = `staged_${name}`;
  // The good rows of every file of this run, with their file and line.
  await connection.run(`create or replace temp view ${ident(staged)} as ${files.map((f, i) => `
    select ${quoted}, ${i}::INTEGER as file_index, ${literal(f.raw.file.name)} as source_file, source_line
    from ${ident(f.table)} where problems is null and not is_total`).join(' union all ')}`);

  const fileNames = files.map((f) => f.raw.file.name);
  // Keys given more than once in this run: found by a plain count first (cheap on millions of
  // keys), described only for the few that repeat.
  const repeated = `repeated_${name}`;
  await connection.run(`
    create or replace temp table ${ident(repeated)} as
    with repeated_keys as (
      select ${keys} from ${ident(staged)} group by all having count(*) > 1
    )
    select ${dataset.naturalKey.map((k) => `r.${ident(k)}`).join(', ')}, count(*) as copies, count(distinct (${columns.map((c) => `r.${ident(c)}`).join(', ')})) as variants,
           min(file_index * 1e12 + source_line) as first_position,
           string_agg(source_file || ' line ' || source_line, ', ' order by file_index, source_line) as positions
    from ${ident(staged)} r semi join repeated_keys k on ${keyMatch(dataset, 'r', 'k')}
    group by ${dataset.naturalKey.map((k) => `r.${ident(k)}`).join(', ')}`);
  const [{ repeats }] = (await queryRows<{ repeats: number }>(connection, `select count(*)::INTEGER as repeats from ${ident(repeated)}`)) as [{ repeats: number }];

  let loadable = `select s.* from ${ident(staged)} s`;
  if (repeats > 0) {
    const keyList = dataset.naturalKey.map((k) => `${k}=' || coalesce(s.${ident(k)}::VARCHAR, '(empty)') || '`).join(', ');
    // Rows of one key with different values: none is loaded, each is quarantined naming the others.
    await connection.run(`
      insert into quarantine
      select $load_id, $dataset, s.source_file, s.source_line, NULL, NULL, NULL,
        s.source_file || ' line ' || s.source_line || ': the natural key (${keyList}) is given ' || d.copies ||
          ' times in this run with different values (' || d.positions || '); expected one row per key, so none of them is loaded',
        to_json(s)::VARCHAR
      from ${ident(staged)} s join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')}
      where d.variants > 1`, { load_id: loadId, dataset: name });
    await connection.run(`
      insert into dq_warnings
      select $load_id, $dataset, s.source_file, s.source_line, 'duplicate_row',
        s.source_file || ' line ' || s.source_line || ': an identical copy of an earlier row (' || d.positions || '); loaded once'
      from ${ident(staged)} s join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')}
      where d.variants = 1 and s.file_index * 1e12 + s.source_line <> d.first_position`, { load_id: loadId, dataset: name });
    loadable += ` anti join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')} and (d.variants > 1 or s.file_index * 1e12 + s.source_line <> d.first_position)`;
  }

  const [{ existing }] = (await queryRows<{ existing: number }>(connection, `select count(*)::BIGINT as existing from ${ident(name)}`)) as [{ existing: number }];
  const lineage = `$load_id, s.source_file, s.source_line`;
  const counts = new Map<string, FileLoadCounts>(fileNames.map((n) => [n, { loaded: 0, unchanged: 0, duplicates: 0, conflicts: 0, warnings: 0 }]));
  // Rows keep their file and line, so the core table need not keep file order: letting DuckDB
  // write in any order makes big inserts markedly faster.
  await connection.run('set preserve_insertion_order = false');
  if (Number(existing) === 0) {
    await connection.run(`insert into ${ident(name)} select ${columns.map((c) => `s.${ident(c)}`).join(', ')}, ${lineage} from (${loadable}) s`, { load_id: loadId });
  } else {
    // Compare with what is stored: unchanged rows stay as they are, changed rows are replaced.
    const incoming = `incoming_${name}`;
    await connection.run(`
      create or replace temp table ${ident(incoming)} as
      select s.*, t.load_id is not null as is_unchanged
      from (${loadable}) s left join ${ident(name)} t on ${keyMatch(dataset, 's', 't')}
        and ${columns.filter((c) => !dataset.naturalKey.includes(c)).map((c) => `s.${ident(c)} is not distinct from t.${ident(c)}`).join(' and ') || 'true'}`);
    await connection.run(`
      delete from ${ident(name)} t using ${ident(incoming)} s
      where ${keyMatch(dataset, 's', 't')} and not s.is_unchanged`);
    await connection.run(`
      insert into ${ident(name)} select ${columns.map((c) => `s.${ident(c)}`).join(', ')}, ${lineage}
      from ${ident(incoming)} s where not s.is_unchanged`, { load_id: loadId });
    loadable = `select * from ${ident(incoming)}`;
  }
  await connection.run('set preserve_insertion_order = true');
  const perFile = await queryRows<{ file_index: number; loaded: number; unchanged: number }>(connection, `
    select file_index, count(*)::BIGINT as loaded,
      ${Number(existing) === 0 ? '0' : 'count(*) filter (where is_unchanged)'}::BIGINT as unchanged
    from (${loadable}) s group by file_index`);
  for (const row of perFile) {
    const c = counts.get(fileNames[row.file_index]!)!;
    c.loaded = Number(row.loaded);
    c.unchanged = Number(row.unchanged);
  }
  if (repeats > 0) {
    // What the repeated keys cost each file: rows quarantined for differing, copies not loaded.
    const issues = await queryRows<{ source_file: string; conflicts: number; duplicates: number }>(connection, `
      select s.source_file,
        count(*) filter (where d.variants > 1)::BIGINT as conflicts,
        count(*) filter (where d.variants = 1 and s.file_index * 1e12 + s.source_line <> d.first_position)::BIGINT as duplicates
      from ${ident(staged)} s join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')}
      group by s.source_file`);
    for (const row of issues) {
      const c = counts.get(row.source_file)!;
      c.conflicts = Number(row.conflicts);
      c.duplicates = Number(row.duplicates);
      c.warnings += Number(row.duplicates);
    }
  }
  return counts;
}
