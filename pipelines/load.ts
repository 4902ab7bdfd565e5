/**
 * Load: upserts a dataset's clean rows into its core table by natural key (CONTRACT §5).
 * Identical rows of one key load once (with a warning); rows of one key that differ are all
 * quarantined; a row equal to the one already stored leaves it untouched, a changed row replaces
 * it, and the stored row's old values go to replaced_rows. A file whose manifest entry says
 * `"replace": "quarters"` also retracts the stored rows of its bank or agency, in its quarters,
 * that it no longer lists.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { DatasetDefinition } from './schema/datasets.ts';
import { coreColumns, LINEAGE_COLUMNS } from './schema/warehouse.ts';
import { ident, literal, queryRows } from './db.ts';
import { locationSql } from './location.ts';
import { rawValuesJson, type CleanFile } from './validate.ts';

/** What loading did with each good row of a file: the parts add up to the file's good rows. */
export interface FileLoadCounts {
  /** Rows whose key was not stored before. */
  new: number;
  /** Rows that replaced a stored row of the same key with other values. */
  replaced: number;
  /** Rows equal to the stored row of their key, which stays as it was. */
  unchanged: number;
  /** Identical copies of an earlier row, not loaded again. */
  duplicates: number;
  /** Rows of one key given with different values, all quarantined. */
  conflicts: number;
  /** Stored rows the file no longer lists, retracted (not part of the file's own rows). */
  retracted: number;
  warnings: number;
}

/**
 * SQL that is true when the key columns of aliases `a` and `b` are equal (NULL matching NULL). A
 * required column is never NULL in a loaded row, so it is compared with `=`, which DuckDB joins
 * about twice as fast (100,000 new keys against 10M stored: 0.23 s against 0.47 s).
 */
function keyMatch(dataset: DatasetDefinition, a: string, b: string): string {
  return dataset.naturalKey.map((k) => {
    const required = !(dataset.schema.shape[k] as z.ZodType).isOptional();
    return `${a}.${ident(k)} ${required ? '=' : 'is not distinct from'} ${b}.${ident(k)}`;
  }).join(' and ');
}

/** SQL of a row's natural key as JSON (alias `a`), for replaced_rows and messages. */
function keyJson(dataset: DatasetDefinition, a: string): string {
  return `to_json({${dataset.naturalKey.map((k) => `${literal(k)}: ${a}.${ident(k)}`).join(', ')}})::VARCHAR`;
}

/** SQL of a stored row's values as JSON (alias `a`), exact: decimals as their text ("400.000000"). */
function storedValuesJson(dataset: DatasetDefinition, a: string): string {
  const values = coreColumns(dataset).filter((c) => c.kind !== 'lineage')
    .map((c) => `${literal(c.name)}: ${a}.${ident(c.name)}${c.type.startsWith('DECIMAL') ? '::VARCHAR' : ''}`);
  return `to_json({${values.join(', ')}})::VARCHAR`;
}

const LINEAGE = LINEAGE_COLUMNS.map(([name]) => name);

/** Loads the clean rows of `files` (all of `dataset`) into the core table; returns counts per file name. */
export async function loadDataset(
  connection: DuckDBConnection, dataset: DatasetDefinition, files: CleanFile[], loadId: number,
): Promise<Map<string, FileLoadCounts>> {
  const columns = coreColumns(dataset).filter((c) => c.kind !== 'lineage').map((c) => c.name);
  const quoted = columns.map(ident).join(', ');
  const name = dataset.name;
  const staged = `staged_${name}`;
  // The good rows of every file of this run, with their file, line and position in the file.
  await connection.run(`create or replace temp view ${ident(staged)} as ${files.map((f, i) => `
    select ${quoted}, ${i}::INTEGER as file_index, ${literal(f.raw.file.name)} as source_file, source_line, source_record,
      ${i}::BIGINT * 1000000000000 + source_position as run_position
    from ${ident(f.table)} where problems is null and not is_total`).join(' union all ')}`);

  const fileNames = files.map((f) => f.raw.file.name);
  const counts = new Map<string, FileLoadCounts>(fileNames.map((n) => [n, {
    new: 0, replaced: 0, unchanged: 0, duplicates: 0, conflicts: 0, retracted: 0, warnings: 0,
  }]));
  const repeated = await findRepeatedKeys(connection, dataset, staged, columns, loadId, counts);
  let loadable = `select s.* from ${ident(staged)} s`;
  if (repeated) {
    loadable += ` anti join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')} and (d.variants > 1 or s.run_position <> d.first_position)`;
  }

  const target = `${quoted}, ${LINEAGE.map(ident).join(', ')}`;
  const lineage = `$load_id, s.source_file, s.source_line, s.source_record`;
  const [{ existing }] = (await queryRows<{ existing: number }>(connection, `select count(*)::BIGINT as existing from ${ident(name)}`)) as [{ existing: number }];
  // Rows keep their file and line, so the core table need not keep file order: letting DuckDB
  // write in any order makes big inserts markedly faster.
  await connection.run('set preserve_insertion_order = false');
  let perFile: { file_index: number; added: number; replaced: number; unchanged: number }[];
  if (Number(existing) === 0) {
    await connection.run(`insert into ${ident(name)} (${target}) select ${columns.map((c) => `s.${ident(c)}`).join(', ')}, ${lineage} from (${loadable}) s`, { load_id: loadId });
    // Counted in the table itself, by what was written there.
    const written = await queryRows<{ source_file: string; added: number }>(connection, `
      select source_file, count(*)::BIGINT as added from ${ident(name)} where load_id = $load_id group by source_file`, { load_id: loadId });
    perFile = written.map((w) => ({ file_index: fileNames.indexOf(w.source_file), added: w.added, replaced: 0, unchanged: 0 }));
  } else {
    // Compare with what is stored: unchanged rows stay as they are, changed rows are replaced.
    const incoming = `incoming_${name}`;
    const valuesEqual = columns.filter((c) => !dataset.naturalKey.includes(c))
      .map((c) => `s.${ident(c)} is not distinct from t.${ident(c)}`).join(' and ') || 'true';
    await connection.run(`
      create or replace temp table ${ident(incoming)} as
      select s.*, t.load_id is not null as is_stored, t.load_id is not null and ${valuesEqual} as is_unchanged
      from (${loadable}) s left join ${ident(name)} t on ${keyMatch(dataset, 's', 't')}`);
    perFile = await queryRows(connection, `
      select file_index, count(*) filter (where not is_stored)::BIGINT as added,
        count(*) filter (where is_stored and not is_unchanged)::BIGINT as replaced,
        count(*) filter (where is_unchanged)::BIGINT as unchanged
      from ${ident(incoming)} group by file_index`);
    // A new quarter replaces nothing: the stored table is then not read again.
    const replacing = perFile.some((f) => Number(f.replaced) > 0);
    if (replacing) {
      // The stored rows about to be replaced keep their old values in replaced_rows.
      await connection.run(`
        insert into replaced_rows (load_id, dataset, change, natural_key, old_values, old_load_id, old_source_file,
          old_source_line, old_source_record, new_source_file, new_source_line)
        select $load_id, $dataset, 'replaced', ${keyJson(dataset, 't')}, ${storedValuesJson(dataset, 't')}, t.load_id, t.source_file,
          t.source_line, t.source_record, s.source_file, s.source_line
        from ${ident(name)} t join ${ident(incoming)} s on ${keyMatch(dataset, 's', 't')}
        where s.is_stored and not s.is_unchanged`, { load_id: loadId, dataset: name });
      await connection.run(`
        delete from ${ident(name)} t using ${ident(incoming)} s
        where ${keyMatch(dataset, 's', 't')} and s.is_stored and not s.is_unchanged`);
    }
    await connection.run(`
      insert into ${ident(name)} (${target}) select ${columns.map((c) => `s.${ident(c)}`).join(', ')}, ${lineage}
      from ${ident(incoming)} s where not s.is_unchanged`, { load_id: loadId });
  }
  await connection.run('set preserve_insertion_order = true');
  // The keys this run found unchanged: the soft rules check them again, so that a reload warns as the first load did.
  await connection.run(`create or replace temp table ${ident(`unchanged_${name}`)} as
    select ${dataset.naturalKey.map(ident).join(', ')} from ${Number(existing) === 0 ? `${ident(name)} limit 0` : `${ident(`incoming_${name}`)} where is_unchanged`}`);
  for (const row of perFile) {
    const c = counts.get(fileNames[row.file_index]!)!;
    c.new = Number(row.added);
    c.replaced = Number(row.replaced);
    c.unchanged = Number(row.unchanged);
  }
  for (const [i, file] of files.entries()) {
    if (file.raw.file.replace === 'quarters') {
      await retractUnlisted(connection, dataset, staged, i, file, loadId, counts.get(file.raw.file.name)!);
    }
  }
  return counts;
}

/**
 * Keys given more than once in this run: found by a plain count first (cheap on millions of
 * keys), described only for the few that repeat. Quarantines the rows of keys given with
 * different values and warns about identical copies; returns the table of repeated keys, if any.
 */
async function findRepeatedKeys(
  connection: DuckDBConnection, dataset: DatasetDefinition, staged: string, columns: string[], loadId: number,
  counts: Map<string, FileLoadCounts>,
): Promise<string | undefined> {
  const keys = dataset.naturalKey.map(ident).join(', ');
  const repeated = `repeated_${dataset.name}`;
  const where = locationSql('r.source_file', 'r.source_line', 'r.source_record');
  const repeatedKeys = ident(`${repeated}_keys`);
  await connection.run(`create or replace temp table ${repeatedKeys} as select ${keys} from ${ident(staged)} group by all having count(*) > 1`);
  const [{ repeats }] = (await queryRows<{ repeats: number }>(connection, `select count(*)::INTEGER as repeats from ${repeatedKeys}`)) as [{ repeats: number }];
  // Most files repeat no key: their rows are then not read a second time.
  if (repeats === 0) return undefined;
  await connection.run(`
    create or replace temp table ${ident(repeated)} as
    select ${dataset.naturalKey.map((k) => `r.${ident(k)}`).join(', ')}, count(*) as copies,
           count(distinct (${columns.map((c) => `r.${ident(c)}`).join(', ')})) as variants,
           min(r.run_position) as first_position,
           string_agg(${where}, ', ' order by r.run_position) as positions
    from ${ident(staged)} r semi join ${repeatedKeys} k on ${keyMatch(dataset, 'r', 'k')}
    group by ${dataset.naturalKey.map((k) => `r.${ident(k)}`).join(', ')}`);
  const keyList = dataset.naturalKey.map((k) => `${k}=' || coalesce(s.${ident(k)}::VARCHAR, '(empty)') || '`).join(', ');
  const at = locationSql('s.source_file', 's.source_line', 's.source_record');
  const params = { load_id: loadId, dataset: dataset.name };
  // Rows of one key with different values: none is loaded, each is quarantined naming the others.
  await connection.run(`
    insert into quarantine (load_id, dataset, source_file, source_line, source_record, message, raw_values)
    select $load_id, $dataset, s.source_file, s.source_line, s.source_record,
      ${at} || ': the natural key (${keyList}) is given ' || d.copies ||
        ' times in this run with different values (' || d.positions || '); expected one row per key, so none of them is loaded',
      ${rawValuesJson(columns, 's')}
    from ${ident(staged)} s join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')}
    where d.variants > 1`, params);
  await connection.run(`
    insert into dq_warnings (load_id, dataset, source_file, source_line, rule, message)
    select $load_id, $dataset, s.source_file, s.source_line, 'duplicate_row',
      ${at} || ': an identical copy of an earlier row (' || d.positions || '); loaded once'
    from ${ident(staged)} s join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')}
    where d.variants = 1 and s.run_position <> d.first_position`, params);
  // What the repeated keys cost each file: rows quarantined for differing, copies not loaded.
  const issues = await queryRows<{ source_file: string; conflicts: number; duplicates: number }>(connection, `
    select s.source_file,
      count(*) filter (where d.variants > 1)::BIGINT as conflicts,
      count(*) filter (where d.variants = 1 and s.run_position <> d.first_position)::BIGINT as duplicates
    from ${ident(staged)} s join ${ident(repeated)} d on ${keyMatch(dataset, 's', 'd')}
    group by s.source_file`);
  for (const row of issues) {
    const c = counts.get(row.source_file)!;
    c.conflicts = Number(row.conflicts);
    c.duplicates = Number(row.duplicates);
    c.warnings += Number(row.duplicates);
  }
  return repeated;
}

/**
 * For a corrected file (`"replace": "quarters"`): retracts the stored rows of the same dataset,
 * reporter (its one agency, or else its one bank) and quarters that no file of this run lists,
 * keeping them in replaced_rows. A file of several reporters, or one with rows in quarantine,
 * retracts nothing (a rejected row must never take a stored figure with it) and says why.
 */
async function retractUnlisted(
  connection: DuckDBConnection, dataset: DatasetDefinition, staged: string, fileIndex: number, file: CleanFile,
  loadId: number, counts: FileLoadCounts,
): Promise<void> {
  const shape = dataset.schema.shape;
  const fileName = file.raw.file.name;
  const warn = async (message: string) => {
    await connection.run(`insert into dq_warnings (load_id, dataset, source_file, source_line, rule, message)
      values ($load_id, $dataset, $file, NULL, 'replace_not_applied', $message)`,
    { load_id: loadId, dataset: dataset.name, file: fileName, message: `${fileName}: ${message}` });
    counts.warnings++;
  };
  if (!('year' in shape) || !('quarter' in shape) || !('bank' in shape || 'agency' in shape)) {
    return warn(`"replace": "quarters" applies to datasets with year, quarter and a bank or agency column; nothing was retracted`);
  }
  if (file.rowsQuarantined > 0) {
    return warn(`${file.rowsQuarantined} of its rows are in quarantine, so no stored row was retracted; correct them and load the file again`);
  }
  const mine = `select * from ${ident(staged)} where file_index = ${fileIndex}`;
  const hasAgency = 'agency' in shape;
  const [who] = await queryRows<{ agencies: number; agency: string | null; every_agency: boolean; banks: number; bank: string | null; no_agency: boolean }>(connection, `
    select ${hasAgency ? `count(distinct agency)::INTEGER as agencies, any_value(agency) as agency,
        bool_and(agency is not null) as every_agency, bool_and(agency is null) as no_agency`
      : '0 as agencies, NULL as agency, false as every_agency, true as no_agency'},
      ${'bank' in shape ? 'count(distinct bank)::INTEGER as banks, any_value(bank) as bank' : '0 as banks, NULL as bank'}
    from (${mine})`);
  if (!who || (who.agencies === 0 && who.banks === 0)) return;
  let scope: string;
  if (who.agencies === 1 && who.every_agency) scope = 't.agency = $reporter';
  else if (who.banks === 1 && who.bank !== null && who.no_agency) scope = `t.bank = $reporter${hasAgency ? ' and t.agency is null' : ''}`;
  else return warn(`"replace": "quarters" needs a file of one bank or one agency, and this one holds rows of several; nothing was retracted`);
  const reporter = who.agencies === 1 && who.every_agency ? who.agency : who.bank;
  const retracted = `retracted_${dataset.name}`;
  await connection.run(`
    create or replace temp table ${ident(retracted)} as
    select t.* from ${ident(dataset.name)} t
    where ${scope}
      and exists (select 1 from (${mine}) q where q.year = t.year and q.quarter = t.quarter)
      -- Rows any file of this run gives stay: two files of one bank in one run must not retract each other's rows.
      and not exists (select 1 from ${ident(staged)} s where ${keyMatch(dataset, 's', 't')})`, { reporter });
  await connection.run(`
    insert into replaced_rows (load_id, dataset, change, natural_key, old_values, old_load_id, old_source_file,
      old_source_line, old_source_record, new_source_file, new_source_line)
    select $load_id, $dataset, 'retracted', ${keyJson(dataset, 't')}, ${storedValuesJson(dataset, 't')}, t.load_id, t.source_file,
      t.source_line, t.source_record, $file, NULL
    from ${ident(retracted)} t`, { load_id: loadId, dataset: dataset.name, file: fileName });
  await connection.run(`delete from ${ident(dataset.name)} t using ${ident(retracted)} r where ${keyMatch(dataset, 'r', 't')}`);
  const [{ n }] = (await queryRows<{ n: number }>(connection, `select count(*)::BIGINT as n from ${ident(retracted)}`)) as [{ n: number }];
  counts.retracted = Number(n);
}
