/**
 * `node scripts/cli.mjs COMMAND [ARGS...]`: runs pipelines/cli/COMMAND.ts (or any TypeScript file
 * named by its path) from one bundled file instead of through tsx, whose loader resolves and
 * compiles every module at each start: 0.35–0.65 s of a run on this machine (README "Speed").
 *
 * The bundle is esbuild's, kept in node_modules/.cache/cli/ with the list of files it holds and
 * a hash of their contents. It is built again whenever one of them has changed, so it always runs
 * the code as it is now; packages stay in node_modules and are imported as they are. Each module
 * keeps its own import.meta.url, so paths it resolves from it, and its "am I the command run?"
 * check, behave as under tsx.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'cli');
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.json': 'json' };

/** The TypeScript file a command names: pipelines/cli/NAME.ts, or a path to a file. */
function entryOf(command) {
  if (/\.[cm]?[jt]sx?$/.test(command)) return resolve(command);
  return join(ROOT, 'pipelines', 'cli', `${command}.ts`);
}

/**
 * One hash of the files' contents and of what builds them (this script, esbuild's version).
 * `read` gives a file's bytes: as they are on disk, or as the build read them.
 */
function hashOf(files, read = (file) => readFileSync(join(ROOT, file))) {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version);
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(read(file));
  }
  return hash.digest('hex');
}

/** Whether the bundle recorded in `manifest` still holds the files as they are now. */
function isFresh(manifestPath, bundle) {
  if (!existsSync(manifestPath) || !existsSync(bundle)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return manifest.hash === hashOf(manifest.files);
  } catch {
    // A file it holds is gone, or the manifest is unreadable: build again.
    return false;
  }
}

/**
 * esbuild plugin: every file of the project keeps its own import.meta.url, not the bundle's. The
 * bytes it reads go into `read`, so that the hash is of what was compiled.
 */
function ownUrl(read) {
  return {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.([cm]?[jt]sx?|json)$/ }, (args) => {
        const bytes = readFileSync(args.path);
        read.set(args.path, bytes);
        const loader = LOADERS[extname(args.path)] ?? 'ts';
        const source = bytes.toString('utf8');
        if (loader === 'json') return { contents: source, loader };
        return { contents: source.replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)), loader };
      });
    },
  };
}

/** Compiles `entry` and what it imports into one file: its text, the project files it holds and their hash. */
async function build(entry) {
  const esbuild = await import('esbuild');
  const read = new Map();
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', write: false, metafile: true, outdir: CACHE, absWorkingDir: ROOT,
    logLevel: 'error', plugins: [ownUrl(read)],
  });
  const files = Object.keys(result.metafile.inputs).sort();
  const hash = hashOf(files, (file) => read.get(join(ROOT, file)) ?? readFileSync(join(ROOT, file)));
  return { code: result.outputFiles[0].contents, files, hash };
}

/** Writes the bundle and its manifest under new names first, then renames them, so a run beside it never reads half a file. */
function store({ code, files, hash }, entry, bundle, manifestPath) {
  mkdirSync(CACHE, { recursive: true });
  const part = `.${process.pid}.part`;
  writeFileSync(bundle + part, code);
  writeFileSync(manifestPath + part, JSON.stringify({ entry, files, hash }, null, 1));
  renameSync(bundle + part, bundle);
  renameSync(manifestPath + part, manifestPath);
}

/** The bundle and manifest paths of `entry`, one pair per entry file. */
function cachePaths(entry) {
  const key = createHash('sha256').update(entry).digest('hex').slice(0, 12);
  const name = `${basename(entry).replace(/\.[^.]+$/, '')}-${key}`;
  return { bundle: join(CACHE, `${name}.mjs`), manifestPath: join(CACHE, `${name}.json`) };
}

/** The URL to import `entry` from: its bundle, built first when stale; or the file itself, through tsx, when the cache cannot be written. */
async function runnable(entry) {
  const { bundle, manifestPath } = cachePaths(entry);
  if (isFresh(manifestPath, bundle)) return pathToFileURL(bundle).href;
  // esbuild prints what it cannot compile, with file and line.
  const built = await build(entry).catch(() => process.exit(1));
  try {
    store(built, entry, bundle, manifestPath);
    return pathToFileURL(bundle).href;
  } catch (error) {
    // A cache that cannot be written is no reason to stop: the run goes through tsx, as it would without this script.
    console.error(`note: ${CACHE} cannot be written (${error.code ?? error.message}), so this run goes through tsx`);
    const { register } = await import('tsx/esm/api');
    register();
    return pathToFileURL(entry).href;
  }
}

/** The entry file a command names, or a message and exit 1. */
function entryOrExit(command) {
  const entry = entryOf(command);
  if (existsSync(entry)) return entry;
  console.error(`error: ${command}: no such command (expected a file pipelines/cli/${command}.ts or a path to a TypeScript file)`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('error: name a command, e.g. node scripts/cli.mjs pipeline --help (or --build COMMAND... to only bring their bundles up to date)');
  process.exit(1);
}
if (command === '--build') {
  // For benchmarks: bring the bundles up to date first, so that no timed run includes a build.
  for (const name of args) await runnable(entryOrExit(name));
} else {
  const entry = entryOrExit(command);
  const url = await runnable(entry);
  // The command sees the arguments and the script path it would see under tsx.
  process.argv = [process.argv[0], entry, ...args];
  await import(url);
}
