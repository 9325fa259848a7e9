// sun_rate.mjs - positions per second of the npm package nrel-spa (the
// yardstick for bench/sun) on the same cases as bench/sun_rate.c.
//   node sun_rate.mjs NODE_MODULES_DIR CASES [OUT]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [modDir, casesPath, outPath] = process.argv.slice(2);
const require = createRequire(join(resolve(modDir), 'x.js'));
const { getSpa } = require('nrel-spa');

const cases = readFileSync(casesPath, 'utf8').trim().split('\n').map((l) => {
	const [t, lat, lon] = l.split(',').map(Number);
	return { date: new Date(t * 1000), lat, lon };
});
const opts = { delta_t: 67, elevation: 0, pressure: 1013, temperature: 15,
	atmos_refract: 0.5667, function: 0 /* SPA_ZA: position only */ };
let best = Infinity, sink = 0;
for (let rep = 0; rep < 5; rep++) {
	const t0 = process.hrtime.bigint();
	for (const c of cases) {
		const r = getSpa(c.date, c.lat, c.lon, 0, opts);
		sink += r.zenith + r.azimuth;
	}
	const dt = Number(process.hrtime.bigint() - t0) / 1e9;
	if (dt < best) best = dt;
}
if (outPath) {
	writeFileSync(outPath, cases.map((c) => {
		const r = getSpa(c.date, c.lat, c.lon, 0, opts);
		return `${r.zenith.toFixed(9)},${r.azimuth.toFixed(9)}`;
	}).join('\n') + '\n');
}
console.log(`${cases.length} ${best.toFixed(6)} ${Math.round(cases.length / best)} ${sink}`);
