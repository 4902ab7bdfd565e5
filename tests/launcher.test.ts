import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/cli.mjs runs the npm scripts' commands from a bundle it keeps up to date (README "Speed").
const CACHE = resolve('node_modules/.cache/cli');
const project = resolve('tmp', `launcher-${process.pid}`);

const launch = (args: string[]) => {
  const result = spawnSync(process.execPath, ['scripts/cli.mjs', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The manifest the launcher keeps for `entry`, as written. */
const manifestOf = (entry: string) => {
  const file = readdirSync(CACHE).filter((f) => f.endsWith('.json'))
    .find((f) => JSON.parse(readFileSync(join(CACHE, f), 'utf8')).entry === entry);
  return file && join(CACHE, file);
};

afterAll(() => {
  for (const entry of ['main.ts', 'broken.ts'].map((f) => join(project, f))) {
    const manifest = manifestOf(entry);
    if (manifest) for (const f of [manifest, manifest.replace(/\.json$/, '.mjs')]) rmSync(f, { force: true });
  }
  rmSync(project, { recursive: true, force: true });
});

describe('scripts/cli.mjs, the npm scripts\' launcher', () => {
  it('runs a command as tsx runs it: the same help, the same exit code', () => {
    const tsx = spawnSync(process.execPath, ['--import', 'tsx', 'pipelines/cli/pipeline.ts', '--help'], { encoding: 'utf8' });
    expect(tsx.status).toBe(0);
    expect(launch(['pipeline', '--help'])).toEqual({ code: 0, stdout: tsx.stdout, stderr: '' });
    expect(launch(['pipeline'])).toEqual({ code: 1, stdout: '', stderr: 'error: name at least one drop folder, e.g. npm run pipeline -- drops/1395-Q1\n' });
  });

  it('builds the bundle again when a file it holds changes, and only then', () => {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'word.ts'), `export const word: string = 'first';\nexport const wordUrl = import.meta.url;\n`);
    // A module that would run itself if it were the command: imported here, it must not.
    writeFileSync(join(project, 'other.ts'), `export const two = 2;\nif (import.meta.url === \`file://\${process.argv[1]}\`) console.log('other ran');\n`);
    writeFileSync(join(project, 'main.ts'), [
      `import { word, wordUrl } from './word.ts';`,
      `import { two } from './other.ts';`,
      `if (import.meta.url === \`file://\${process.argv[1]}\`) console.log([word, two, ...process.argv.slice(2), import.meta.url, wordUrl].join(' '));`,
    ].join('\n'));
    const main = join(project, 'main.ts');
    const urls = `${pathToFileURL(main).href} ${pathToFileURL(join(project, 'word.ts')).href}`;
    expect(launch([main, 'a', '--b'])).toEqual({ code: 0, stdout: `first 2 a --b ${urls}\n`, stderr: '' });
    const manifest = manifestOf(main)!;
    expect(JSON.parse(readFileSync(manifest, 'utf8')).files).toEqual(['main.ts', 'other.ts', 'word.ts'].map((f) => `tmp/launcher-${process.pid}/${f}`));
    const built = statSync(manifest).mtimeMs;
    // Nothing changed: the same bundle runs, not built again.
    expect(launch([main]).stdout).toBe(`first 2 ${urls}\n`);
    expect(statSync(manifest).mtimeMs).toBe(built);
    // One imported file changed, in length and in content: the next run runs the new code.
    writeFileSync(join(project, 'word.ts'), `export const word: string = 'second';\nexport const wordUrl = import.meta.url;\n`);
    expect(launch([main]).stdout).toBe(`second 2 ${urls}\n`);
    writeFileSync(join(project, 'word.ts'), `export const word: string = 'thirds';\nexport const wordUrl = import.meta.url;\n`);
    expect(launch([main]).stdout).toBe(`thirds 2 ${urls}\n`);
  });

  it('says where a file does not compile, and exits 1 without running it', () => {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'broken.ts'), `console.log('ran');\nconst x: number = ;\n`);
    const run = launch([join(project, 'broken.ts')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`tmp/launcher-${process.pid}/broken.ts:2:18:`);
    // Nothing was kept for it: the next run tries again rather than run a half-built bundle.
    expect(manifestOf(join(project, 'broken.ts'))).toBeUndefined();
  });

  it('names an unknown command', () => {
    expect(launch(['nosuch'])).toEqual({
      code: 1, stdout: '',
      stderr: 'error: nosuch: no such command (expected a file pipelines/cli/nosuch.ts or a path to a TypeScript file)\n',
    });
  });
});
