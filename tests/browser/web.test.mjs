// web.test.mjs: the web page in a real browser (Debian's chromium, driven
// by playwright-core), against a real stack (tests/integration/0030-browser.sh
// starts it and passes it in the environment).  Prints "ok - ..." or
// "not ok - ..." per check, and "# ..." for figures; screenshots of each
// step at desktop and phone width go to $T_SHOTS.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const env = (k) => { if (!process.env[k]) throw new Error(`${k} is not set`); return process.env[k]; };
const URL0 = env('T_URL'), TA = env('T_TA'), TR = env('T_TR');
const T_DIR = env('T_DIR'), T_TOP = env('T_TOP'), SHOTS = env('T_SHOTS');
const ORIGIN = new URL(URL0).origin;
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const furl = (q) => `https://open.spotify.com/track/AAAAAAAAAAAAAAAAAAAAAA?${q}`;
// The longest any one condition is waited for (longer under valgrind).
const SCALE = Number(process.env.T_SCALE || 1);
const T = 15000 * SCALE;

let passed = 0, failed = 0;
function check(desc, cond, detail = '') {
	if (cond) { passed++; console.log(`ok - ${desc}`); }
	else { failed++; console.log(`not ok - ${desc}${detail ? `: ${detail}` : ''}`); }
}
// waitCheck: a check on a condition the page reaches by itself.
async function waitCheck(desc, page, fn, arg, timeout = T) {
	try {
		await page.waitForFunction(fn, arg, { timeout: timeout === T ? T : timeout * SCALE, polling: 50 });
		check(desc, true);
		return true;
	} catch (e) {
		check(desc, false, e.message.split('\n')[0]);
		return false;
	}
}
async function apiGet(path, token) {
	const r = await fetch(ORIGIN + path, { headers: { Authorization: `Bearer ${token}` } });
	return { status: r.status, body: r.status === 200 ? await r.json() : null };
}
const stack = (cmd) => execFileSync(`${T_TOP}/scripts/stack`, [cmd, '--dir', T_DIR], { stdio: 'ignore' });

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium', headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const t0 = Date.now();
try {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
	const page = await ctx.newPage();
	const foreign = [], cspErrors = [], pageErrors = [], apiLog = [];
	page.on('request', (r) => {
		const u = r.url();
		if (!u.startsWith(`${ORIGIN}/`) && !u.startsWith('data:')) foreign.push(u);
		if (u.startsWith(`${ORIGIN}/api/`)) apiLog.push({ t: Date.now(), m: r.method(), p: u.slice(ORIGIN.length) });
	});
	page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
	page.on('pageerror', (e) => pageErrors.push(e.message));
	let dialogs = 0, answer = true;
	page.on('dialog', (d) => { dialogs++; (answer ? d.accept() : d.dismiss()).catch(() => {}); });

	let step = 0;
	async function shot(name) {
		step++;
		const n = `${String(step).padStart(2, '0')}-${name}`;
		// From the top: a sticky part stays where a scrolled page put it.
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: `${SHOTS}/${n}-desktop.png`, fullPage: true });
		await page.setViewportSize({ width: 390, height: 844 });
		await page.screenshot({ path: `${SHOTS}/${n}-phone.png`, fullPage: true });
		if (step === 1 || name === 'admin')
			check(`${name}: nothing wider than a 390 px phone`,
				await page.evaluate(() => document.documentElement.scrollWidth <= 390));
		await page.setViewportSize({ width: 1280, height: 800 });
	}
	async function axe(name) {
		await page.evaluate(AXE);
		const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
		const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		check(`axe-core: no serious or critical violation (${name})`, bad.length === 0,
			bad.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`).join(', '));
	}
	const lines = () => page.$$eval('#log .line', (ls) => ls.map((l) => l.textContent));
	const badge = () => page.textContent('#job-badge');

	// --- Sign-in ------------------------------------------------------
	const first = await page.goto(URL0);
	check('/ is the page (text/html)', first.status() === 200 && /^text\/html/.test(first.headers()['content-type']));
	check('Content-Security-Policy as set', first.headers()['content-security-policy'] === CSP,
		first.headers()['content-security-policy']);
	check('nosniff and no referrer', first.headers()['x-content-type-options'] === 'nosniff' &&
		first.headers()['referrer-policy'] === 'no-referrer');
	await page.waitForSelector('#signin:not([hidden])', { timeout: T });
	check('token mode asks for the token', await page.isVisible('#token'));
	check('the token field has the focus', await page.evaluate(() => document.activeElement.id === 'token'));
	await axe('sign-in');
	await shot('sign-in');

	await page.keyboard.type('jm_wrong_token');
	await page.keyboard.press('Enter');
	await waitCheck('a wrong token is refused, plainly', page,
		() => /refused/.test(document.querySelector('#token-error').textContent));
	check('still asking', await page.isVisible('#signin') && !(await page.isVisible('#app')));
	await shot('wrong-token');

	await page.fill('#token', TA);
	await page.keyboard.press('Enter');
	await waitCheck('the right token signs in', page, () => !document.querySelector('#app').hidden);
	check('the token is kept for the tab (sessionStorage)',
		await page.evaluate((t) => sessionStorage.getItem('jobs.token') === t, TA));
	check('no admin section for a user', !(await page.isVisible('#admin')));
	check('nothing polled while nothing is live', await page.evaluate(() => document.documentElement.dataset.poll === 'off'));
	await page.reload();
	await waitCheck('a reload stays signed in', page, () => !document.querySelector('#app').hidden);

	// --- Submit: the page's URL check, then the API's own error ----------
	let posts = apiLog.filter((r) => r.m === 'POST').length;
	await page.fill('#urls', `${furl('lines=1')}\nhttps://example.org/album/x`);
	await page.click('#submit');
	await waitCheck('a bad URL is refused in the page, next to the field', page,
		() => /Line 2/.test(document.querySelector('#urls-error').textContent) &&
			document.querySelector('#urls').getAttribute('aria-invalid') === 'true');
	check('... without a request', apiLog.filter((r) => r.m === 'POST').length === posts);
	await page.fill('#urls', furl('lines=1'));
	await page.click('#options summary');
	await page.fill('#opt-output', '../outside');
	await page.click('#submit');
	await waitCheck("the API's own refusal shown next to its field", page,
		() => /output/.test(document.querySelector('#opt-output-error').textContent));
	await shot('refused-option');
	await page.fill('#opt-output', 'albums/new');
	await page.check('#aq-aac-high');
	await page.check('#aq-aac-medium');
	await page.selectOption('#opt-cover_size', 'large');
	await page.check('#opt-save_cover_file');
	await page.fill('#opt-truncate', '40');

	// --- A job: lines appear, the bar moves --------------------------
	await page.fill('#urls', furl('progress=14&pace=0.3&lines=6'));
	const before = await page.$$eval('#job-list li', (l) => l.length);
	await page.click('#submit');
	await waitCheck('the new job is listed at once', page,
		(n) => document.querySelectorAll('#job-list li').length === n + 1 && !document.querySelector('#job').hidden, before, 3000);
	const job1 = await page.evaluate(() => document.querySelector('#job-list li').dataset.id);
	const created = await apiGet(`/api/jobs/${job1}`, TA);
	check('options sent as controls set them', JSON.stringify(created.body && created.body.options) ===
		JSON.stringify({ audio_quality: 'aac-high,aac-medium', cover_size: 'large', save_cover_file: true, truncate: 40, output: 'albums/new' }) ||
		JSON.stringify(created.body && created.body.options.audio_quality) === '["aac-high","aac-medium"]',
		JSON.stringify(created.body && created.body.options));
	await waitCheck('three log lines appear', page, () => document.querySelectorAll('#log .line').length >= 3);
	const firstLine = await page.$('#log .line');
	await waitCheck('the progress bar moves', page, () => {
		const v = document.querySelector('#job-progress').dataset.percent;
		window.__pcts = window.__pcts || new Set();
		if (v) window.__pcts.add(v);
		return window.__pcts.size >= 2;
	});
	await shot('job-running');
	// Requests per poll: what the page asks between two health checks.
	const h = apiLog.filter((r) => r.p === '/api/health').map((r) => r.t);
	if (h.length >= 2) {
		const [a, b] = h.slice(-2);
		const n = apiLog.filter((r) => r.t >= a && r.t < b).length;
		console.log(`# requests per poll while one job runs (its view open): ${n}`);
		check('one running job: at most 3 requests a poll', n <= 3, String(n));
	}
	await waitCheck('the job completes', page,
		() => document.querySelector('#job-badge').textContent === 'completed', null, 20000);
	check('the log grew in place (first line kept)', await firstLine.evaluate((e) => e.isConnected));
	const final = await apiGet(`/api/jobs/${job1}`, TA);
	const have = await lines();
	check('no duplicated or missing line', JSON.stringify(have) === JSON.stringify(final.body.output),
		`page ${have.length} lines, API ${final.body.output.length}`);
	check('return code, errors and duration shown', await page.evaluate(() => {
		const dd = [...document.querySelectorAll('#job-facts dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]);
		const f = Object.fromEntries(dd);
		return f['Return code'] === '0' && f.Errors === '0' && /s$/.test(f.Duration);
	}));
	check('the command line, in a <details>', /--audio-quality aac-high,aac-medium/.test(
		await page.textContent('#job-command-box pre')));
	await waitCheck('polling stops when nothing is live', page,
		() => document.documentElement.dataset.poll === 'off');
	check('the list row says completed', (await page.textContent(`#job-list li[data-id="${job1}"] .badge`)) === 'completed');

	// --- Auto-scroll ------------------------------------------------------
	await page.fill('#urls', furl('lines=170&pace=0.05'));
	await page.click('#submit');
	await waitCheck('a long log fills its box', page, () => {
		const l = document.querySelector('#log');
		return l.querySelectorAll('.line').length > 40 && l.scrollHeight > l.clientHeight + 200;
	});
	check('it follows the end', await page.evaluate(() => {
		const l = document.querySelector('#log');
		return l.dataset.follow === 'on' && l.scrollTop + l.clientHeight >= l.scrollHeight - 8;
	}));
	await page.hover('#log');
	await page.mouse.wheel(0, -4000);
	await waitCheck('scrolling up stops the auto-scroll', page, () => document.querySelector('#log').dataset.follow === 'off');
	const n0 = (await lines()).length;
	await waitCheck('lines still come while scrolled up', page,
		(n) => document.querySelectorAll('#log .line').length >= n + 10, n0);
	check('... and the view stays where the person put it', await page.evaluate(() => {
		const l = document.querySelector('#log');
		return l.dataset.follow === 'off' && l.scrollTop + l.clientHeight < l.scrollHeight - 100;
	}));
	check('a way back to the end is offered', await page.isVisible('#jump'));
	await shot('scrolled-up');
	await page.hover('#log');
	await page.mouse.wheel(0, 100000);
	await waitCheck('back at the bottom, it follows again', page, () => document.querySelector('#log').dataset.follow === 'on');
	const n1 = (await lines()).length;
	await waitCheck('... new lines keep it at the end', page, (n) => {
		const l = document.querySelector('#log');
		return l.querySelectorAll('.line').length >= n + 5 && l.scrollTop + l.clientHeight >= l.scrollHeight - 8;
	}, n1);
	await waitCheck('the long job completes', page,
		() => document.querySelector('#job-badge').textContent === 'completed', null, 20000);

	// --- A gap: more than 500 lines between two polls ---------------------
	await page.fill('#urls', furl('sleep=2.5&lines=900'));
	await page.click('#submit');
	await waitCheck('lines dropped from the window between polls: a gap marker', page,
		() => /not shown/.test(document.querySelector('#log .gap')?.textContent || ''), null, 20000);
	await waitCheck('... then the last 500 lines, the last one the end', page, () => {
		const ls = document.querySelectorAll('#log .line');
		return document.querySelector('#job-badge').textContent === 'completed' && ls.length >= 500 &&
			/Finished with 0 error/.test(ls[ls.length - 1].textContent);
	}, null, 20000);
	await shot('gap');

	// --- Cancel (asked first), retry, delete --------------------------------
	await page.fill('#urls', furl('hang=1'));
	await page.click('#submit');
	await waitCheck('a hanging job runs', page, () => document.querySelector('#job-badge').textContent === 'running');
	const hang = await page.evaluate(() => document.querySelector('#job-list li').dataset.id);
	answer = false;
	await page.click('#act-cancel');
	check('cancel asks first; "no" leaves it running', dialogs === 1 && (await badge()) === 'running');
	answer = true;
	await page.click('#act-cancel');
	await waitCheck('cancelled', page, () => document.querySelector('#job-badge').textContent === 'cancelled');
	await waitCheck('its return code comes once the process is gone', page, () => {
		const dt = [...document.querySelectorAll('#job-facts dt')].find((d) => d.textContent === 'Return code');
		return dt && /^-?\d+$/.test(dt.nextElementSibling.textContent);
	});
	check('retry and delete offered, cancel not', await page.isVisible('#act-retry') &&
		await page.isVisible('#act-delete') && !(await page.isVisible('#act-cancel')));
	await shot('cancelled');

	await page.click('#act-retry');
	await waitCheck('retry opens a new job that runs', page, (old) => {
		const top = document.querySelector('#job-list li');
		return top && top.dataset.id !== old && top.querySelector('button').getAttribute('aria-current') === 'true' &&
			document.querySelector('#job-badge').textContent === 'running';
	}, hang);
	const retried = await page.evaluate(() => document.querySelector('#job-list li').dataset.id);
	await shot('retried');

	await page.click(`#job-list li[data-id="${hang}"] button`);
	await waitCheck('the cancelled job opens again', page,
		() => document.querySelector('#job-badge').textContent === 'cancelled' && !document.querySelector('#act-delete').hidden);
	const d0 = dialogs;
	await page.click('#act-delete');
	await waitCheck('delete (asked first) removes it from the list', page,
		(id) => !document.querySelector(`#job-list li[data-id="${id}"]`) && document.querySelector('#job').hidden, hang);
	check('... after a question', dialogs === d0 + 1);
	check('... and from the API', (await apiGet(`/api/jobs/${hang}`, TA)).status === 404);
	await shot('deleted');

	// --- The daemon stopped and started while the page is open ------------
	await page.click(`#job-list li[data-id="${retried}"] button`);
	await waitCheck('the retried job is open and live', page,
		() => document.querySelector('#job-badge').textContent === 'running' && document.documentElement.dataset.poll === 'live');
	const visible = (hidden) => page.evaluate((h) => {
		Object.defineProperty(document, 'hidden', { value: h, configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
	}, hidden);
	await visible(true);
	check('a hidden tab polls nothing', await page.evaluate(() => document.documentElement.dataset.poll === 'off'));
	await visible(false);
	await waitCheck('... and polls again when shown', page, () => document.documentElement.dataset.poll === 'live');
	stack('jobd-stop');
	await waitCheck('the page says the service is restarting', page,
		() => /restarting/.test(document.querySelector('#notice').textContent));
	check('... and only asks for its health meanwhile', await page.evaluate(() => document.documentElement.dataset.poll === 'health'));
	await shot('restarting');
	stack('jobd-start');
	await waitCheck('it recovers by itself when the daemon is back', page,
		() => !/restarting/.test(document.querySelector('#notice').textContent), null, 20000);
	await waitCheck('... and shows the job the restart ended', page,
		() => document.querySelector('#job-badge').textContent === 'failed' &&
			/restarted/.test(document.querySelector('#log').lastElementChild?.textContent || '') &&
			document.querySelectorAll('#log .line').length >= 3);
	await shot('recovered');

	await page.selectOption('#filter', 'failed');
	await waitCheck('the status filter shows only what it names', page, () => {
		const b = [...document.querySelectorAll('#job-list .badge')].map((x) => x.textContent);
		return b.length >= 1 && b.every((x) => x === 'failed');
	});
	await page.selectOption('#filter', '');
	await waitCheck('... and all again', page, () => document.querySelectorAll('#job-list li').length >= 4);

	// --- Admin ----------------------------------------------------------
	await page.click('#sign-out');
	await waitCheck('sign-out asks for a token again and forgets it', page,
		() => !document.querySelector('#signin').hidden && sessionStorage.getItem('jobs.token') === null);
	await page.fill('#token', TR);
	await page.keyboard.press('Enter');
	await waitCheck('an admin sees the administration', page, () => !document.querySelector('#admin').hidden &&
		document.querySelector('#set-max_concurrent_jobs') !== null);
	const served = (await apiGet('/api/admin/settings', TR)).body;
	check('only the settings the server returns', await page.$$eval('#setting-fields input', (i) => i.map((x) => x.name).join(',')) ===
		Object.keys(served).join(','));
	await page.fill('#set-cancel_grace_seconds', '301');
	await page.click('#settings-form button[type=submit]');
	await waitCheck('a setting out of range: said next to it', page,
		() => /0 to 300/.test(document.querySelector('#set-cancel_grace_seconds-error').textContent));
	await page.fill('#set-cancel_grace_seconds', String(served.cancel_grace_seconds));
	await page.fill('#set-max_concurrent_jobs', '3');
	await page.click('#settings-form button[type=submit]');
	await waitCheck('an admin changes a setting', page, () => document.querySelector('#settings-status').textContent === 'Saved.');
	check('... the server has it', (await apiGet('/api/admin/settings', TR)).body.max_concurrent_jobs === 3);
	await page.fill('#whose', 'alice');
	await page.keyboard.press('Enter');
	await waitCheck("an admin sees another user's jobs", page,
		() => /alice/.test(document.querySelector('#jobs-h').textContent) && document.querySelectorAll('#job-list li').length >= 4);
	await page.click('#job-list li button');
	await waitCheck("... one of them, read-only", page, () => !document.querySelector('#job').hidden &&
		document.querySelector('#act-retry').hidden && document.querySelector('#act-delete').hidden);
	await page.click('#options summary');
	await page.click('#job-command-box summary');
	await axe('admin, a job, the options open');
	await shot('admin');
	await page.emulateMedia({ colorScheme: 'dark' });
	await axe('dark');
	await shot('dark');

	await page.emulateMedia({ colorScheme: 'light' });
	await page.fill('#whose', 'bob');
	await page.keyboard.press('Enter');
	await waitCheck("a page of bob's 23 jobs: 20, and a way to older ones", page,
		() => /bob/.test(document.querySelector('#jobs-h').textContent) &&
			document.querySelectorAll('#job-list li').length === 20 && !document.querySelector('#older').hidden);
	await page.click('#older');
	await waitCheck('the older page (next_cursor): the other 3', page,
		() => document.querySelectorAll('#job-list li').length === 3 && document.querySelector('#older').hidden &&
			!document.querySelector('#newer').hidden);
	await shot('paging');
	await page.click('#newer');
	await waitCheck('back to the newest page', page,
		() => document.querySelectorAll('#job-list li').length === 20 && document.querySelector('#newer').hidden);

	// remote_user mode, as the page sees it: a request without a token
	// succeeds (here the browser's requests get alice's token on the way,
	// as a web server would vouch for her).
	const rctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	try {
		await rctx.route(`${ORIGIN}/api/**`, (r) => r.continue({
			headers: { ...r.request().headers(), authorization: `Bearer ${TA}` } }));
		const rp = await rctx.newPage();
		await rp.goto(URL0);
		await waitCheck('remote_user: no sign-in asked, no sign-out offered', rp, () =>
			!document.querySelector('#app').hidden && document.querySelector('#signin').hidden &&
			document.querySelector('#sign-out').hidden && document.querySelectorAll('#job-list li').length >= 4);
	} finally {
		await rctx.close();
	}

	check('no request to another host', foreign.length === 0, foreign.slice(0, 3).join(' '));
	check('no Content-Security-Policy violation', cspErrors.length === 0, cspErrors.slice(0, 2).join(' | '));
	check('no script error', pageErrors.length === 0, pageErrors.slice(0, 2).join(' | '));
} catch (e) {
	check('the run went to its end', false, e.stack || String(e));
} finally {
	await browser.close();
}
console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s in the browser`);
console.log(`browser: ${passed} passed, ${failed} failed`);
