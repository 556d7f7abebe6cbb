// Bundles GraphiQL and our page into `dist/` (or $UI_OUT_DIR) with content-hashed file
// names, and writes the `index.html` that references them. build.rs runs it; the
// server embeds everything in `dist/`.
import * as esbuild from 'esbuild';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const out = process.env.UI_OUT_DIR ?? 'dist';
// Build beside the output and swap it in, so a reader never sees half a bundle.
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });

const result = await esbuild.build({
  entryPoints: ['src/main.jsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  outdir: tmp,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.graphql': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const js = outputs.find(([path, o]) => path.endsWith('.js') && o.entryPoint === 'src/main.jsx');
const css = outputs.find(([path]) => path.endsWith('.css'));
if (!js || !css) throw new Error('esbuild produced no main .js and .css');

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>news-archive · GraphiQL</title>
<link rel="stylesheet" href="/assets/${basename(css[0])}">
</head>
<body style="margin:0">
<div id="graphiql" style="height:100vh"></div>
<script type="module" src="/assets/${basename(js[0])}"></script>
</body>
</html>
`;
writeFileSync(`${tmp}/index.html`, html);

rmSync(out, { recursive: true, force: true });
if (existsSync(out)) throw new Error(`could not replace ${out}`);
renameSync(tmp, out);
