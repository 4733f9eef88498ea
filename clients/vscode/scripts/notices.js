// Writes dist/THIRD-PARTY-NOTICES.txt: each npm package whose code esbuild bundled into dist/extension.js (read from
// the build's metafile), with its version, its declared licence and its licence file's text. MIT, ISC and BSD ask
// for their notice in every copy, and the bundle is one. A bundled package without a licence file stops the build.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const meta = JSON.parse(fs.readFileSync(path.join(root, 'out', 'meta.json'), 'utf8'));
const out = path.join(root, 'dist', 'THIRD-PARTY-NOTICES.txt');

/** The package folder an input path lies in (node_modules/NAME or node_modules/@SCOPE/NAME, the innermost), or null. */
function packageDir(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) {
    return null;
  }
  const name = parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
  return path.join(root, ...parts.slice(0, at + 1), ...name);
}

const bundle = meta.outputs['dist/extension.js']; // the map beside it lists no inputs: only the bundle will do
if (!bundle) {
  throw new Error(`esbuild's metafile names no dist/extension.js: ${Object.keys(meta.outputs).join(', ')}`);
}
const bundled = bundle.inputs;
const dirs = [...new Set(Object.keys(bundled).map(packageDir).filter(d => d !== null))];
const packages = dirs.map(dir => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const file = fs.readdirSync(dir).find(f => /^(licen[sc]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) {
    throw new Error(`${pkg.name} ${pkg.version} is bundled but has no licence file in ${dir}`);
  }
  return { name: pkg.name, version: pkg.version, license: pkg.license || '(see its text)',
           text: fs.readFileSync(path.join(dir, file), 'utf8').trim() };
}).sort((a, b) => a.name.localeCompare(b.name));

const rule = '-'.repeat(78);
const body = packages.map(p => `${rule}\n${p.name} ${p.version} (${p.license})\n${rule}\n\n${p.text}\n`).join('\n');
fs.writeFileSync(out, 'The Warmup extension bundles these packages into dist/extension.js; their licences follow.\n\n'
  + body);
console.log(`${path.relative(root, out)}: ${packages.map(p => `${p.name}@${p.version}`).join(', ')}`);
