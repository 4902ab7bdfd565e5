/**
 * `npm run export` (issue 8, items 2–5) on two warehouses: the whole synthetic sample (province
 * fars) and a second one of another province (bushehr) from two sample drops and a fixture
 * whose project title is a formula bait and whose amounts are a province's and a nation's.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { closeWarehouse, openWarehouse, queryRows, type Warehouse } from '../../pipelines/db.ts';
import { excelNumberText } from '../../pipelines/ingest/xlsx.ts';
import { exportMartsCsv } from '../../pipelines/publish/csv.ts';
import { exportParquet } from '../../pipelines/publish/parquet.ts';
import { exportRejects, REJECTS_HEADER } from '../../pipelines/publish/rejects.ts';
import { coreTables, martTables, withWarehouse } from '../../pipelines/publish/tables.ts';
import { DEFINITIONS_SHEET, exactExcelNumber, exportMartsWorkbook } from '../../pipelines/publish/xlsx.ts';
import { trimDecimal } from '../../pipelines/validate.ts';
import { runPipeline } from '../../pipelines/run.ts';

const SAMPLE = 'data/sample';
const out = mkdtempSync(join(tmpdir(), 'export-'));
const fars = join(out, 'fars.duckdb');
const bushehr = join(out, 'bushehr.duckdb');

beforeAll(async () => {
  const drops = readdirSync(SAMPLE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(SAMPLE, d.name)).sort();
  await runPipeline({ drops, dbPath: fars });
  await runPipeline({ drops: [`${SAMPLE}/1394-Q1`, `${SAMPLE}/1394-Q2`, 'tests/fixtures/export-bait'], dbPath: bushehr, province: 'بوشهر' });
}, 300_000);

describe('the province of a warehouse', () => {
  it('is fars by default, set when the warehouse is made, and refused for a loaded warehouse of another province', async () => {
    const province = async (db: string) => withWarehouse(db, (c) => queryRows<{ value: string }>(c, `select value from warehouse_info where name = 'province'`));
    expect(await province(fars)).toEqual([{ value: 'fars' }]);
    expect(await province(bushehr)).toEqual([{ value: 'bushehr' }]);
    await expect(runPipeline({ drops: ['tests/fixtures/export-bait'], dbPath: bushehr, province: 'fars', skipModels: true })).rejects.toThrow(
      `the warehouse ${bushehr} holds the province bushehr, and --province says fars; a warehouse holds one province, set when it is made`);
    await expect(runPipeline({ drops: ['tests/fixtures/export-bait'], dbPath: join(out, 'x.duckdb'), province: 'شیراز' })).rejects.toThrow(
      'unknown province "شیراز"; expected a code or name from data/reference/provinces.csv: markazi, gilan,');
  });
});

/** A warehouse value as getRowsJson gives it, next to the cell exceljs reads back. */
function sameValue(cell: ExcelJS.CellValue, value: unknown, type: string): boolean {
  if (value === null) return cell === null || cell === undefined;
  if (/^(DECIMAL|BIGINT|HUGEINT|INTEGER|SMALLINT|TINYINT|UBIGINT)/.test(type)) {
    const exact = trimDecimal(String(value));
    // A number cell must read back as the very decimal; one beyond 15 digits is its exact text.
    return typeof cell === 'number' ? excelNumberText(cell) === exact : cell === exact && exactExcelNumber(exact) === undefined;
  }
  if (type === 'DATE') return cell instanceof Date && cell.toISOString().slice(0, 10) === value;
  return cell === value;
}

describe('--xlsx: the marts in one right-to-left workbook', () => {
  let workbook: ExcelJS.Workbook;
  let warehouse: Warehouse;
  beforeAll(async () => {
    const path = join(out, 'bushehr-marts.xlsx');
    warehouse = await openWarehouse(bushehr);
    await exportMartsWorkbook(warehouse.connection, path);
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
  }, 120_000);
  afterAll(() => warehouse && closeWarehouse(warehouse));

  it('has a sheet per mart and the definitions, each right to left with its header rows frozen', async () => {
    const marts = (await martTables(warehouse.connection)).map((m) => m.name);
    expect(marts).toHaveLength(17);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([...marts, DEFINITIONS_SHEET]);
    for (const sheet of workbook.worksheets) {
      expect([sheet.name, sheet.views[0]]).toMatchObject([sheet.name, { rightToLeft: true, state: 'frozen', ySplit: sheet.name === DEFINITIONS_SHEET ? 1 : 2 }]);
    }
    const absorption = workbook.getWorksheet('mart_absorption')!;
    // Row 1: the metric dictionary's Persian names (README, "mart_absorption"); row 2: the columns.
    const names = (absorption.getRow(2).values as unknown[]).map(String);
    const at = (column: string, row: number) => absorption.getRow(row).getCell(names.indexOf(column));
    expect(absorption.getCell('A2').value).toBe('year');
    expect([at('year', 1).value, at('allocated_amount', 1).value, at('absorption_rate', 1).value]).toEqual(['سال', 'اعتبار ابلاغی (تجمعی)', 'نرخ جذب']);
    // One dictionary row, «تعداد / مبلغ معرفی به بانک (تجمعی)», names referred_count and referred_amount: each gets its part.
    expect([at('referred_count', 1).value, at('referred_amount', 1).value])
      .toEqual(['تعداد معرفی به بانک (تجمعی)', 'مبلغ معرفی به بانک (تجمعی)']);
    expect([at('allocated_amount', 3).numFmt, at('absorption_rate', 3).numFmt]).toEqual(['#,##0', '0.0%']);
    const definitions = workbook.getWorksheet(DEFINITIONS_SHEET)!;
    const gap = definitions.getRows(2, definitions.rowCount - 1)!.find((r) => r.getCell(1).value === 'mart_absorption' && r.getCell(2).value === 'absorption_gap')!;
    expect([gap.getCell(3).value, gap.getCell(4).value, gap.getCell(5).value]).toEqual(['شکاف جذب (جذب‌نشده)', 'allocated − disbursed (negative = over-absorbed)', 'million rials']);
  });

  it('reads back every cell of every mart with the warehouse\'s exact value', async () => {
    const wrong: string[] = [];
    for (const mart of await martTables(warehouse.connection)) {
      const values = (await warehouse.connection.runAndReadAll(`select * from "${mart.name}"`)).getRowsJson();
      const sheet = workbook.getWorksheet(mart.name)!;
      expect([mart.name, sheet.rowCount]).toEqual([mart.name, values.length + 2]);
      values.forEach((row, r) => row.forEach((value, c) => {
        const cell = sheet.getRow(r + 3).getCell(c + 1).value;
        if (!sameValue(cell, value, mart.columns[c]!.type)) wrong.push(`${mart.name} row ${r + 3} ${mart.columns[c]!.name}: ${JSON.stringify(cell)} ≠ ${JSON.stringify(value)}`);
      }));
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('holds a province\'s amounts as exact numbers, and a national one beyond 15 digits as exact text', () => {
    const projects = workbook.getWorksheet('mart_projects')!;
    const header = projects.getRow(2).values as string[];
    const row = (id: string) => projects.getRows(3, projects.rowCount - 2)!.find((r) => r.getCell(header.indexOf('project_id')).value === id)!;
    const cell = (id: string, column: string) => row(id).getCell(header.indexOf(column)).value;
    // 98,765,432.123456 million rials: 14 significant digits, a double holds it exactly.
    expect([cell('P-BAIT', 'investment_amount'), cell('P-BAIT', 'facility_amount')]).toEqual([98765432.123456, 12345678.654321]);
    // 123,456,789,012.654321: 18 digits, more than a double (and Excel) holds: the exact text.
    expect([cell('P-NATIONAL', 'investment_amount'), cell('P-NATIONAL', 'facility_amount')]).toEqual(['123456789012.654321', '999999999999.999999']);
    // A title that looks like a formula is a text cell, never a formula.
    expect(cell('P-BAIT', 'title')).toBe('=HYPERLINK("http://example.com","x")');
  });
});

describe('--csv: each mart as a CSV for Excel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(out, 'csv');
    await withWarehouse(bushehr, (c) => exportMartsCsv(c, dir));
  }, 60_000);

  it('starts every file with a BOM and leaves no cell that Excel would take for a formula', () => {
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(17);
    const formulaLike: string[] = [];
    let negatives = 0;
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect([file, text.charCodeAt(0)]).toEqual([file, 0xfeff]);
      for (const row of Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data) {
        for (const cell of row) {
          if (/^-\d+(\.\d+)?$/.test(cell)) negatives++;
          else if (/^[=+\-@\t\r]/.test(cell)) formulaLike.push(`${file}: ${cell}`);
        }
      }
    }
    expect(formulaLike).toEqual([]);
    // Plain negative numbers (over-absorbed gaps) stay numbers.
    expect(negatives).toBeGreaterThan(0);
    const projects = Papa.parse<Record<string, string>>(readFileSync(join(dir, 'mart_projects.csv'), 'utf8').slice(1), { header: true }).data;
    expect(projects.filter((p) => p.project_id?.startsWith('P-')).map((p) => [p.project_id, p.title, p.investment_amount])).toEqual([
      ['P-BAIT', '\'=HYPERLINK("http://example.com","x")', '98765432.123456'],
      ['P-NATIONAL', "'@SUM(1+1) طرح ملی", '123456789012.654321'],
    ]);
  });
});

describe('--rejects: the rejected rows back to their senders', () => {
  it('lists each quarantined row of the sample\'s bad drop once, with what is wrong in Persian', async () => {
    const dir = join(out, 'rejects');
    const result = await withWarehouse(fars, (c) => exportRejects(c, dir));
    // The rows the sample's README lists as deliberately bad (data/sample/README.md), but the
    // identical duplicate, which loads once with a warning.
    const readme = readFileSync(`${SAMPLE}/README.md`, 'utf8');
    const table = readme.slice(readme.indexOf('## Deliberately bad rows'), readme.indexOf('## Soft quirks'));
    const expected = [...table.matchAll(/^\| `(1394-Q2\/[^`]+)` \| (\d+) \| (.*) \|$/gm)]
      .filter((m) => !m[3]!.startsWith('identical duplicate')).map((m) => `${m[1]} ${m[2]}`).sort();
    expect(expected).toHaveLength(9);
    const listed: string[] = [];
    const persian: Record<string, string> = {};
    for (const file of result.files) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file.path);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.views[0]).toMatchObject({ rightToLeft: true, state: 'frozen', ySplit: 2 });
      const header = sheet.getRow(2).values as string[];
      expect(header.slice(1, 3)).toEqual([REJECTS_HEADER.place, REJECTS_HEADER.problem]);
      for (let r = 3; r <= sheet.rowCount; r++) {
        const key = `${file.sourceFile} ${sheet.getRow(r).getCell(1).value}`;
        listed.push(key);
        persian[key] = String(sheet.getRow(r).getCell(2).value);
      }
    }
    expect(listed.sort()).toEqual(expected);
    expect(result.files.map((f) => f.path.slice(dir.length + 1)).sort()).toEqual([
      '1394-Q2/absorption_saderat.rejected.xlsx', '1394-Q2/absorption_sepah.rejected.xlsx', '1394-Q2/absorption_tosee_taavon.rejected.xlsx',
      '1394-Q2/allocations.rejected.xlsx', '1394-Q2/applications.rejected.xlsx', '1394-Q2/reasons.rejected.xlsx',
    ]);
    // Every message has a Persian rendering (none fell back to the English text).
    expect(Object.values(persian).filter((p) => p.includes('(به انگلیسی)'))).toEqual([]);
    expect(persian['1394-Q2/reasons.csv 61']).toBe('ستون «بانک عامل»: «بانک کشاورز» پذیرفته نیست؛ درست آن: نام یا کد یک بانک عامل شناخته‌شده '
      + '(فهرست data/reference/banks.csv)؛ نزدیک‌ترین نام‌های شناخته‌شده: بانک کشاورزی، بانک تجارت، بانک رفاه کارگران');
    expect(persian['1394-Q2/applications.csv 830']).toBe('ستون «تاریخ پرداخت»: «1394/12/30» پذیرفته نیست؛ چنین روزی وجود ندارد: ماه 12 سال 1394 29 روز دارد '
      + '(سال 1394 کبیسه نیست)؛ درست آن: تاریخ شمسی معتبر، مانند 1394/04/08');
  });

  it('refuses a load the warehouse does not have', async () => {
    await expect(withWarehouse(fars, (c) => exportRejects(c, join(out, 'none'), 7))).rejects.toThrow('the warehouse has no load 7; its loads are 1');
  });
});

describe('--parquet: two provinces side by side are one dataset', () => {
  let dir: string;
  let db: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    dir = join(out, 'national');
    await withWarehouse(fars, (c) => exportParquet(c, dir));
    await withWarehouse(bushehr, (c) => exportParquet(c, dir));
    // A second export of a province replaces its own folders only.
    await withWarehouse(fars, (c) => exportParquet(c, dir));
    db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    connection = await db.connect();
    await connection.run(`attach '${fars}' as fars (read_only)`);
    await connection.run(`attach '${bushehr}' as bushehr (read_only)`);
  }, 120_000);
  afterAll(() => {
    connection?.closeSync();
    db?.closeSync();
  });

  it('partitions by province and year, and by province alone for tables without a year', () => {
    expect(readdirSync(join(dir, 'mart_absorption')).sort()).toEqual(['province=bushehr', 'province=fars']);
    expect(readdirSync(join(dir, 'mart_absorption', 'province=fars')).sort()).toEqual(['year=1393', 'year=1394']);
    expect(readdirSync(join(dir, 'mart_absorption', 'province=bushehr')).sort()).toEqual(['year=1394']);
    expect(readdirSync(join(dir, 'mart_projects', 'province=bushehr'))).toEqual(['data_0.parquet']);
  });

  it('gives, read back together, the sum of both warehouses for every number of every mart and core table, exactly', async () => {
    const tables = await withWarehouse(fars, async (c) => [...(await martTables(c)), ...(await coreTables(c))]);
    expect(tables).toHaveLength(23);
    const wrong: string[] = [];
    for (const table of tables) {
      const numbers = table.columns.filter((c) => /^(DECIMAL|BIGINT|INTEGER|HUGEINT)/.test(c.type) && c.name !== 'year');
      const sums = ['count(*)::HUGEINT', ...numbers.map((c) => `sum("${c.name}")`)].map((s) => `${s}::VARCHAR`).join(', ');
      const parquet = `read_parquet('${dir}/${table.name}/**/*.parquet', hive_partitioning = true)`;
      const [national] = await queryRows<Record<string, string>>(connection, `select ${sums} from ${parquet}`);
      const [both] = await queryRows<Record<string, string>>(connection, `
        select ${['count(*)::HUGEINT', ...numbers.map((c) => `sum("${c.name}")`)].map((s) => `${s}::VARCHAR`).join(', ')}
        from (select * from fars."${table.name}" union all by name select * from bushehr."${table.name}")`);
      if (JSON.stringify(Object.values(national!)) !== JSON.stringify(Object.values(both!))) wrong.push(`${table.name}: ${JSON.stringify(national)} ≠ ${JSON.stringify(both)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers the README\'s roll-up query: each province\'s allocation as its own warehouse gives it', async () => {
    const rollUp = await queryRows(connection, `
      select province, year, sum(allocated_amount)::VARCHAR as allocated_amount
      from read_parquet('${dir}/mart_absorption/**/*.parquet', hive_partitioning = true)
      where quarter = 4 or (province = 'bushehr' and quarter = 2)
      group by all order by province, year`);
    const own = async (db: string, province: string, quarter: number) => withWarehouse(db, (c) => queryRows(c, `
      select '${province}' as province, year, sum(allocated_amount)::VARCHAR as allocated_amount
      from mart_absorption where quarter = ${quarter} group by all order by year`));
    expect(rollUp).toEqual([...(await own(bushehr, 'bushehr', 2)), ...(await own(fars, 'fars', 4))]);
  });
});
