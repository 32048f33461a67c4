// app.js: the web page of the jobs API.  Plain DOM, no framework, no
// build step; every text from the API goes in with textContent.

// --- What the API accepts (README "A walk through the API") -------------
const URL_RULE = /^https:\/\/open\.spotify\.com\/(intl-[a-z]{2}(-[A-Za-z]{2})?\/)?(album|playlist|track|show|episode|artist)\/[A-Za-z0-9]{22}(\?\S*)?$/;
const MAX_URLS = 100;
const AUDIO_QUALITY = ['vorbis-low', 'vorbis-medium', 'vorbis-high', 'aac-medium',
	'aac-high', 'flac-flac', 'flac-flac-24', 'flac-mp4', 'flac-mp4-24'];
const SELECTS = [
	['cover_size', 'Cover size', ['small', 'medium', 'large', 'extra-large']],
	['video_format', 'Video format', ['mp4', 'webm']],
	['video_resolution', 'Video resolution', ['144p', '240p', '360p', '480p', '576p', '720p', '1080p']],
	['auto_media_option', 'For an artist link, download', ['artist-top-tracks',
		'artist-albums', 'artist-compilations', 'artist-singles', 'artist-videos']],
];
const TOGGLES = [
	['prefer_video', 'Prefer music videos'],
	['save_cover_file', 'Save the cover as a file'],
	['save_playlist_file', 'Save a playlist file'],
	['no_synced_lyrics_file', 'No synced lyrics file'],
	['synced_lyrics_only', 'Synced lyrics only (no audio)'],
	['overwrite', 'Overwrite files already there'],
];
const SETTINGS = {
	job_expiry_days: ['Days a finished download is kept (0: for ever)', 0, 3650],
	max_concurrent_jobs: ['Downloads running at once (0: start none)', 0, 4096],
	cancel_grace_seconds: ['Seconds a cancelled download has to stop', 0, 300],
	max_live_jobs_per_user: ['Waiting or running downloads per user', 1, 1000000],
	max_job_seconds: ['Longest a download may run, in seconds', 1, 604800],
	max_queued_jobs: ['Downloads that may wait in all', 1, 10000000],
};
const LIVE = new Set(['queued', 'running']);
const STATUS_WORDS = { queued: 'waiting', running: 'running', completed: 'completed',
	failed: 'failed', cancelled: 'cancelled' };
const PAGE = 20;
const POLL_MS = 2000;
const BACKOFF_MAX_MS = 8000;
const LOG_MAX = 5000;		// lines kept in the page
// A '\r' redraw rewrites a line in place (its number stays): each poll
// asks again for the last few lines held, and updates those that changed.
const REDRAW_LINES = 4;
const TOKEN_KEY = 'jobs.token';

const $ = (id) => document.getElementById(id);
function el(tag, attrs = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === false || v == null) continue;
		if (k === 'text') e.textContent = v;
		else if (k === 'class') e.className = v;
		else e.setAttribute(k, v === true ? '' : String(v));
	}
	e.append(...kids);
	return e;
}

// --- State ---------------------------------------------------------------
const S = {
	token: sessionStorage.getItem(TOKEN_KEY),
	mode: null,		// 'token' or 'remote' once signed in
	admin: false,
	whose: null,		// an admin looking at another user's jobs
	filter: '',
	cursors: [null],	// the cursor of each page walked; last: this one
	next: null,		// next_cursor of this page
	jobs: [],		// this page of the list
	open: null,		// { id, job, next, etag, readonly }
	follow: true,
	timer: 0,
	down: false, downDelay: 1000,
	settings: null,
	aqOrder: [],		// audio qualities in the order they were ticked
};

// --- Requests --------------------------------------------------------------
class Answer {
	constructor(status, data, headers) {
		this.status = status; this.data = data; this.headers = headers;
	}
	get error() {
		return (this.data && typeof this.data.error === 'string') ? this.data.error
			: `The service answered ${this.status}.`;
	}
}

// api: one request to this page's own host.  A 401 signs out, a 503 (or
// no answer at all) says the service is restarting and waits for it.
async function api(method, path, { body, etag, auth = true } = {}) {
	const headers = { Accept: 'application/json' };
	if (auth && S.token) headers.Authorization = `Bearer ${S.token}`;
	if (etag) headers['If-None-Match'] = etag;
	const init = { method, headers, cache: 'no-store', credentials: 'same-origin' };
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch {
		serviceDown(0);
		return new Answer(0, { error: 'The service cannot be reached; retrying.' }, new Headers());
	}
	let data = null;
	if (res.status !== 204 && res.status !== 304) {
		try { data = await res.json(); } catch { data = null; }
	}
	const a = new Answer(res.status, data, res.headers);
	if ((res.status === 503 || res.status === 502 || res.status === 504))
		serviceDown(Number(res.headers.get('Retry-After')) || 0);
	else if (res.status === 401 && auth && S.mode)
		signedOut(S.mode === 'token'
			? 'Your token was refused (wrong, revoked or its user disabled). Enter a valid one.'
			: 'The web server no longer says who you are; reload the page.');
	return a;
}

function listPath(cursor) {
	const base = S.whose ? `/api/admin/users/${encodeURIComponent(S.whose)}/jobs` : '/api/jobs';
	const q = new URLSearchParams({ limit: String(PAGE) });
	if (cursor) q.set('cursor', cursor);
	if (S.filter) q.set('status', S.filter);
	return `${base}?${q}`;
}

// --- Formatting ------------------------------------------------------------
const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const fmtTime = (t) => (t == null ? '—' : timeFmt.format(new Date(t * 1000)));
const clockFmt = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
// fmtEnd: an end time, without its date when that is the start's.
function fmtEnd(start, end) {
	const a = new Date(start * 1000), b = new Date(end * 1000);
	return a.toDateString() === b.toDateString() ? clockFmt.format(b) : timeFmt.format(b);
}
function fmtDuration(s) {
	if (s == null || !isFinite(s)) return '—';
	s = Math.max(0, Math.round(s));
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
	if (h) return `${h} h ${m} min`;
	if (m) return `${m} min ${r} s`;
	return `${r} s`;
}
function duration(job) {
	if (job.started_at == null) return null;
	return (job.finished_at ?? Date.now() / 1000) - job.started_at;
}
function shortUrl(u) {
	const m = /open\.spotify\.com\/(?:intl-[^/]+\/)?([a-z]+)\/([A-Za-z0-9]+)/.exec(u);
	return m ? `${m[1]} ${m[2]}` : u;
}
function jobTitle(job) {
	const urls = job.urls || [];
	const first = urls.length ? shortUrl(urls[0]) : '(no link)';
	return urls.length > 1 ? `${first} and ${urls.length - 1} more` : first;
}
function badge(node, status) {
	node.textContent = STATUS_WORDS[status] || status;
	node.className = `badge s-${status}`;
}
// A cancelled job that had started keeps its process for the grace time:
// its return code comes then.
const settling = (j) => j.status === 'cancelled' && j.return_code == null && j.started_at != null;
const isLive = (j) => LIVE.has(j.status) || settling(j);

// --- Notices -----------------------------------------------------------
function notice(text, kind = '') {
	const n = $('notice');
	n.replaceChildren();
	n.className = `notice ${kind}`;
	if (!text) return;
	n.append(el('span', { text }));
	if (kind === 'down')
		n.append(' ', el('button', { type: 'button', id: 'retry-now', class: 'quiet', text: 'Try now' }));
}

// --- Restarting service: back-off on /api/health ---------------------------
function serviceDown(retryAfter) {
	S.downDelay = Math.max(retryAfter * 1000, S.down ? S.downDelay : 1000);
	S.down = true;
	showDown();
	schedule();
}
function showDown() {
	notice(`The service is restarting. Checking again in ${Math.round(S.downDelay / 1000)} s…`, 'down');
}
async function checkHealth() {
	S.timer = 0;
	const a = await api('GET', '/api/health', { auth: false });
	if (a.status === 200 && a.data && a.data.status === 'ok') {
		S.down = false;
		notice('The service is back.', 'ok');
		setTimeout(() => { if (!S.down && $('notice').classList.contains('ok')) notice(''); }, 4000);
		await refreshAll();
		return;
	}
	if (a.status !== 503 && a.status !== 0) serviceDown(0);
	// Twice as long each time, at most BACKOFF_MAX_MS, never sooner than
	// the server's Retry-After.
	const ra = Number(a.headers.get('Retry-After')) || 0;
	S.downDelay = Math.max(ra * 1000, Math.min(BACKOFF_MAX_MS, S.downDelay * 2));
	showDown();
	schedule();
}

// --- Polling -----------------------------------------------------------
function anythingLive() {
	return S.jobs.some(isLive) || (S.open != null && !S.open.readonly && isLive(S.open.job));
}
function schedule(delay = POLL_MS) {
	clearTimeout(S.timer);
	S.timer = 0;
	if (!document.hidden && S.mode) {
		if (S.down) S.timer = setTimeout(checkHealth, S.downDelay);
		else if (anythingLive()) S.timer = setTimeout(tick, delay);
	}
	// For people and tests: is the page polling, and for what.
	document.documentElement.dataset.poll = S.timer ? (S.down ? 'health' : 'live') : 'off';
}
// tick: while anything is live: the health (a daemon that stopped still has
// its history read), then the open job's new lines, and the list when a
// live job other than the open one is on it.
async function tick() {
	S.timer = 0;
	if (document.hidden || !S.mode || S.down) return schedule();
	const h = await api('GET', '/api/health', { auth: false });
	if (S.down || h.status !== 200) return schedule();
	const work = [];
	const o = S.open;
	if (o && !o.readonly && isLive(o.job)) work.push(pollJob());
	if (S.jobs.some((j) => isLive(j) && !(o && !o.readonly && j.id === o.id)))
		work.push(loadList());
	await Promise.all(work);
	schedule();
}
document.addEventListener('visibilitychange', () => {
	if (document.hidden) schedule();
	else if (S.mode) { if (S.down) checkHealth(); else if (anythingLive()) tick(); }
});

async function refreshAll() {
	if (!S.mode) return;
	const work = [loadList()];
	if (S.open && !S.open.readonly) work.push(pollJob());
	if (S.admin) work.push(loadSettings());
	await Promise.all(work);
	schedule();
}

// --- Sign-in -----------------------------------------------------------
async function start() {
	const a = await api('GET', listPath(null), { auth: true });
	$('loading').hidden = true;
	if (a.status === 200) return signedIn(S.token ? 'token' : 'remote', a);
	if (a.status === 401)
		return signedOut(S.token ? 'Your token was refused (wrong, revoked or its user disabled). Enter a valid one.' : '');
	// Not answering at all: try again once it is back.
	$('loading').hidden = false;
	$('loading').textContent = a.error;
	setTimeout(start, Math.max(1000, (Number(a.headers.get('Retry-After')) || 1) * 1000));
}

function signedOut(message) {
	S.mode = null;
	S.token = null;
	sessionStorage.removeItem(TOKEN_KEY);
	clearTimeout(S.timer);
	S.timer = 0;
	S.open = null;
	S.jobs = [];
	$('app').hidden = true;
	$('admin').hidden = true;
	$('sign-out').hidden = true;
	$('who').textContent = '';
	$('signin').hidden = false;
	$('token').value = '';
	setFieldError('token', message);
	$('token').focus();
}

async function signedIn(mode, firstList) {
	S.mode = mode;
	$('signin').hidden = true;
	$('app').hidden = false;
	$('sign-out').hidden = mode !== 'token';
	S.cursors = [null];
	showList(firstList);
	const a = await api('GET', '/api/admin/settings');
	S.admin = a.status === 200;
	$('admin').hidden = !S.admin;
	if (S.admin) showSettings(a.data);
	schedule();
}

$('signin-form').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const t = $('token').value.trim();
	if (!t) return setFieldError('token', 'Enter your token.');
	S.token = t;
	const a = await api('GET', listPath(null));
	if (a.status === 200) {
		sessionStorage.setItem(TOKEN_KEY, t);
		setFieldError('token', '');
		$('token').value = '';
		await signedIn('token', a);
		$('main').focus();
	} else {
		S.token = null;
		setFieldError('token', a.status === 401
			? 'That token was refused: it is wrong, revoked, or its user is disabled.'
			: a.error);
		$('token').focus();
	}
});
$('sign-out').addEventListener('click', () => signedOut(''));

function setFieldError(id, msg) {
	const field = $(id), out = $(`${id}-error`);
	if (out) out.textContent = msg || '';
	if (field) {
		if (msg) field.setAttribute('aria-invalid', 'true');
		else field.removeAttribute('aria-invalid');
	}
}

// --- New download form -------------------------------------------------
function buildOptionFields() {
	const box = $('option-fields');
	const aq = el('fieldset', { id: 'opt-audio_quality', 'aria-describedby': 'aq-order opt-audio_quality-error' },
		el('legend', { text: 'Audio quality, tried in the order you tick them' }));
	const grid = el('div', { class: 'checks' });
	for (const q of AUDIO_QUALITY) {
		const id = `aq-${q}`;
		const cb = el('input', { type: 'checkbox', id, value: q });
		cb.addEventListener('change', () => {
			S.aqOrder = S.aqOrder.filter((x) => x !== q);
			if (cb.checked) S.aqOrder.push(q);
			showAqOrder();
		});
		grid.append(el('span', { class: 'check' }, cb, el('label', { for: id, text: q })));
	}
	aq.append(grid, el('p', { id: 'aq-order', class: 'help' }),
		el('p', { id: 'opt-audio_quality-error', class: 'error' }));
	box.append(aq);

	const sel = el('div', { class: 'grid' });
	for (const [name, label, values] of SELECTS) {
		const s = el('select', { id: `opt-${name}`, 'aria-describedby': `opt-${name}-error` },
			el('option', { value: '', text: 'default' }),
			...values.map((v) => el('option', { value: v, text: v })));
		sel.append(el('div', { class: 'field' }, el('label', { for: `opt-${name}`, text: label }), s,
			el('p', { id: `opt-${name}-error`, class: 'error' })));
	}
	box.append(sel);

	const tg = el('fieldset', {}, el('legend', { text: 'Also' }));
	const tgrid = el('div', { class: 'checks' });
	for (const [name, label] of TOGGLES)
		tgrid.append(el('span', { class: 'check' },
			el('input', { type: 'checkbox', id: `opt-${name}`, 'aria-describedby': `opt-${name}-error` }),
			el('label', { for: `opt-${name}`, text: label })));
	tg.append(tgrid);
	for (const [name] of TOGGLES) tg.append(el('p', { id: `opt-${name}-error`, class: 'error' }));
	box.append(tg);

	const more = el('div', { class: 'grid' });
	more.append(
		el('div', { class: 'field' },
			el('label', { for: 'opt-exclude_tags', text: 'Tags to leave out (comma-separated)' }),
			el('input', { id: 'opt-exclude_tags', autocomplete: 'off', spellcheck: 'false',
				'aria-describedby': 'opt-exclude_tags-error' }),
			el('p', { id: 'opt-exclude_tags-error', class: 'error' })),
		el('div', { class: 'field' },
			el('label', { for: 'opt-truncate', text: 'Cut file names at (4 to 1000 characters)' }),
			el('input', { id: 'opt-truncate', type: 'number', min: 4, max: 1000, step: 1,
				inputmode: 'numeric', 'aria-describedby': 'opt-truncate-error' }),
			el('p', { id: 'opt-truncate-error', class: 'error' })),
		el('div', { class: 'field' },
			el('label', { for: 'opt-output', text: 'Sub-folder of your download folder' }),
			el('input', { id: 'opt-output', autocomplete: 'off', spellcheck: 'false', placeholder: 'albums/new',
				'aria-describedby': 'opt-output-error' }),
			el('p', { id: 'opt-output-error', class: 'error' })));
	box.append(more);
	showAqOrder();
}
function showAqOrder() {
	$('aq-order').textContent = S.aqOrder.length
		? `Tried in this order: ${S.aqOrder.map((q, i) => `${i + 1}. ${q}`).join(', ')}`
		: 'None ticked: the service\'s default.';
}

const OPTION_NAMES = ['audio_quality', ...SELECTS.map((s) => s[0]), ...TOGGLES.map((t) => t[0]),
	'exclude_tags', 'truncate', 'output'];
function clearNewErrors() {
	setFieldError('urls', '');
	for (const n of OPTION_NAMES) setFieldError(`opt-${n}`, '');
	$('new-error').textContent = '';
}

// readForm: the body of the create, or null after saying what is wrong.
function readForm() {
	clearNewErrors();
	let ok = true;
	const lines = $('urls').value.split(/\r?\n/).map((l, i) => [i + 1, l.trim()]).filter(([, l]) => l);
	if (!lines.length) {
		setFieldError('urls', 'Enter at least one Spotify link.');
		ok = false;
	} else if (lines.length > MAX_URLS) {
		setFieldError('urls', `At most ${MAX_URLS} links per download (there are ${lines.length}).`);
		ok = false;
	} else {
		const bad = lines.filter(([, l]) => !URL_RULE.test(l)).map(([n]) => n);
		if (bad.length) {
			setFieldError('urls', `${bad.length > 1 ? 'Lines' : 'Line'} ${bad.join(', ')}: not a Spotify link like https://open.spotify.com/album/ followed by a 22-character id.`);
			ok = false;
		}
	}
	const options = {};
	if (S.aqOrder.length) options.audio_quality = [...S.aqOrder];
	for (const [name] of SELECTS) if ($(`opt-${name}`).value) options[name] = $(`opt-${name}`).value;
	for (const [name] of TOGGLES) if ($(`opt-${name}`).checked) options[name] = true;
	const tags = $('opt-exclude_tags').value.split(',').map((t) => t.trim()).filter(Boolean);
	if (tags.some((t) => !/^[A-Za-z0-9_-]+$/.test(t))) {
		setFieldError('opt-exclude_tags', 'Tag names are letters, digits, \'_\' and \'-\', separated by commas.');
		ok = false;
	} else if (tags.length) options.exclude_tags = tags;
	const tr = $('opt-truncate').value.trim();
	if (tr) {
		const n = Number(tr);
		if (!Number.isInteger(n) || n < 4 || n > 1000) {
			setFieldError('opt-truncate', 'A whole number from 4 to 1000.');
			ok = false;
		} else options.truncate = n;
	}
	const out = $('opt-output').value.trim();
	if (out) options.output = out;
	if (!ok) {
		if (document.querySelector('#option-fields [aria-invalid]')) $('options').open = true;
		const first = document.querySelector('#new-form [aria-invalid]');
		if (first) first.focus();
		return null;
	}
	return { urls: lines.map(([, l]) => l), options };
}

// showApiError: the API's sentence next to the field it names.
function showApiError(msg) {
	const m = /^Option '([a-z_]+)'|Unknown option '([a-z_]+)'/.exec(msg);
	const name = m && (m[1] || m[2]);
	if (name && OPTION_NAMES.includes(name)) {
		$('options').open = true;
		setFieldError(`opt-${name}`, msg);
		$(`opt-${name}`).focus();
	} else if (/url/i.test(msg)) {
		setFieldError('urls', msg);
		$('urls').focus();
	} else {
		$('new-error').textContent = msg;
	}
}

$('new-form').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	$('new-status').textContent = '';
	const body = readForm();
	if (!body) return;
	$('submit').disabled = true;
	try {
		const a = await api('POST', '/api/jobs', { body });
		if (a.status === 201) {
			$('urls').value = '';
			$('new-status').textContent = 'Started.';
			if (!S.whose && S.cursors.length === 1 && filterHas(a.data.status)) {
				S.jobs = [a.data, ...S.jobs.filter((j) => j.id !== a.data.id)].slice(0, PAGE);
				renderList();
			}
			openJob(a.data, a.headers.get('ETag'));
		} else if (a.status === 400) {
			showApiError(a.error);
		} else if (a.status !== 401) {
			$('new-error').textContent = a.error;
		}
	} finally {
		$('submit').disabled = false;
	}
});
function filterHas(status) { return !S.filter || S.filter.split(',').includes(status); }

// --- The list ------------------------------------------------------------
async function loadList() {
	const a = await api('GET', listPath(S.cursors[S.cursors.length - 1]));
	if (a.status === 200) showList(a);
	else if (a.status === 400 && S.cursors.length > 1) {
		// The page's cursor job was deleted: back to the newest.
		S.cursors = [null];
		return loadList();
	} else if (a.status !== 401 && !S.down) {
		$('jobs-error').textContent = a.error;
	}
}
function showList(a) {
	$('jobs-error').textContent = '';
	S.jobs = a.data.jobs || [];
	S.next = a.data.next_cursor || null;
	// The open job's lines are newer than the list's copy of it.
	if (S.open && !S.open.readonly)
		S.jobs = S.jobs.map((j) => (j.id === S.open.id ? { ...j, ...S.open.job } : j));
	renderList();
}
function renderList() {
	const ul = $('job-list');
	const have = new Map([...ul.children].map((li) => [li.dataset.id, li]));
	const keep = new Set();
	let prev = null;
	for (const job of S.jobs) {
		let li = have.get(job.id);
		if (!li) {
			li = el('li', { 'data-id': job.id });
			const b = el('button', { type: 'button', class: 'job-row' },
				el('span', { class: 'badge' }), el('span', { class: 'title' }),
				el('span', { class: 'meta' }));
			b.addEventListener('click', () => {
				const j = S.jobs.find((x) => x.id === job.id);
				if (j) openJob(j);
			});
			li.append(b);
		}
		fillRow(li, job);
		keep.add(job.id);
		if (prev ? prev.nextSibling !== li : ul.firstChild !== li)
			prev ? prev.after(li) : ul.prepend(li);
		prev = li;
	}
	for (const [id, li] of have) if (!keep.has(id)) li.remove();
	$('jobs-empty').hidden = S.jobs.length > 0;
	$('older').hidden = !S.next;
	$('newer').hidden = S.cursors.length <= 1;
	$('jobs-h').textContent = S.whose ? `Downloads of ${S.whose}` : 'Your downloads';
}
function fillRow(li, job) {
	const b = li.firstChild;
	const [bd, title, meta] = b.children;
	badge(bd, job.status);
	title.textContent = jobTitle(job);
	const d = duration(job);
	let m = fmtTime(job.created_at);
	if (job.finished_at != null) m += ` → ${fmtEnd(job.created_at, job.finished_at)}`;
	if (d != null) m += ` · ${job.finished_at != null ? 'took' : 'running for'} ${fmtDuration(d)}`;
	meta.textContent = m;
	if (S.open && S.open.id === job.id) b.setAttribute('aria-current', 'true');
	else b.removeAttribute('aria-current');
}
function markCurrent() {
	for (const b of $('job-list').querySelectorAll('li > button')) {
		if (S.open && S.open.id === b.parentNode.dataset.id) b.setAttribute('aria-current', 'true');
		else b.removeAttribute('aria-current');
	}
}
function updateListRow(job) {
	const i = S.jobs.findIndex((j) => j.id === job.id);
	if (i < 0) return;
	S.jobs[i] = { ...S.jobs[i], ...job };
	delete S.jobs[i].output;
	const li = $('job-list').querySelector(`li[data-id="${CSS.escape(job.id)}"]`);
	if (li) fillRow(li, S.jobs[i]);
}

$('filter').addEventListener('change', () => {
	S.filter = $('filter').value;
	S.cursors = [null];
	loadList().then(() => schedule());
});
$('refresh').addEventListener('click', () => refreshAll());
$('older').addEventListener('click', () => {
	if (!S.next) return;
	S.cursors.push(S.next);
	loadList().then(() => { schedule(); $('jobs-h').focus(); });
});
$('newer').addEventListener('click', () => {
	if (S.cursors.length > 1) S.cursors.pop();
	loadList().then(() => { schedule(); $('jobs-h').focus(); });
});

// --- One job -------------------------------------------------------------
function openJob(job, etag) {
	const readonly = !!S.whose;
	S.open = { id: job.id, job: { ...job }, next: 0, etag: null, readonly };
	delete S.open.job.output;
	$('log').replaceChildren();
	$('job-error').textContent = '';
	S.follow = true;
	showFollow();
	$('job').hidden = false;
	$('job-owner').hidden = !readonly;
	$('job-owner').textContent = readonly ? `Belongs to ${job.user_id}: shown from the list, without its log.` : '';
	$('job-log-box').hidden = readonly;
	renderJob();
	markCurrent();
	$('job-h').focus({ preventScroll: window.innerWidth > 900 });
	if (readonly) return schedule();
	if (Array.isArray(job.output)) {
		applyJob(job);
		S.open.etag = etag || null;
		schedule();
	} else {
		pollJob().then(() => schedule());
	}
}
function closeJob() {
	const id = S.open && S.open.id;
	S.open = null;
	$('job').hidden = true;
	renderList();
	const li = id && $('job-list').querySelector(`li[data-id="${CSS.escape(id)}"] button`);
	(li || $('jobs-h')).focus();
	schedule();
}
$('job-close').addEventListener('click', closeJob);

async function pollJob() {
	const o = S.open;
	if (!o) return;
	const since = Math.max(0, o.next - REDRAW_LINES);
	const a = await api('GET', `/api/jobs/${encodeURIComponent(o.id)}?since=${since}`, { etag: o.etag });
	if (o !== S.open || a.status === 304) return;
	if (a.status === 200 && a.data.output_next < o.next && !isLive(a.data)) {
		// The finished record holds fewer lines than the page: the
		// daemon stopped while the job ran and wrote its end anew.
		// Its lines follow what the page has.
		$('log').append(el('div', { class: 'gap', role: 'note',
			text: '… the daemon restarted; the record it kept of this download: …' }));
		o.next = 0;
		o.etag = null;
		return pollJob();
	}
	if (a.status === 200) {
		o.etag = a.headers.get('ETag');
		applyJob(a.data);
	} else if (a.status === 404) {
		$('job-error').textContent = 'This download no longer exists.';
		o.job.status = 'deleted';
		S.jobs = S.jobs.filter((j) => j.id !== o.id);
		renderList();
		renderJob();
	} else if (a.status !== 401 && !S.down) {
		$('job-error').textContent = a.error;
	}
}

// applyJob: a job answer with output lines from output_next - len onward.
function applyJob(job) {
	const o = S.open;
	const out = Array.isArray(job.output) ? job.output : [];
	if (typeof job.output_next === 'number' && job.output_next >= o.next) {
		const start = job.output_next - out.length;
		if (start > o.next) addGap(start - o.next);
		redrawLines(out, start, o.next);
		appendLines(out.slice(Math.max(0, o.next - start)), Math.max(start, o.next));
		o.next = job.output_next;
	}
	// An answer behind what the page holds (read from the history while
	// the daemon restarts) brings no lines.
	o.job = { ...o.job, ...job };
	delete o.job.output;
	renderJob();
	updateListRow(o.job);
}

function addGap(n) {
	$('log').append(el('div', { class: 'gap', role: 'note',
		text: `… ${n} line${n > 1 ? 's' : ''} not shown: the service keeps a download's last 500 lines …` }));
}
// redrawLines: lines numbered start.. that the page already holds (below
// next), as they stand now.
function redrawLines(out, start, next) {
	let e = $('log').lastElementChild;
	for (; e; e = e.previousElementSibling) {
		if (!e.classList.contains('line')) break;
		const n = Number(e.dataset.n);
		if (n < start || n >= next + REDRAW_LINES) break;
		if (n < next && e.textContent !== out[n - start]) e.textContent = out[n - start];
	}
}
function appendLines(lines, first) {
	if (!lines.length) return;
	const log = $('log');
	const f = document.createDocumentFragment();
	lines.forEach((l, i) => f.append(el('div', { class: 'line', 'data-n': first + i, text: l })));
	log.append(f);
	let extra = log.childElementCount - LOG_MAX;
	while (extra-- > 0) log.firstElementChild.remove();
	if (S.follow) log.scrollTop = log.scrollHeight;
	else $('jump').hidden = false;
}
$('log').addEventListener('scroll', () => {
	const log = $('log');
	const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
	if (atEnd !== S.follow) { S.follow = atEnd; showFollow(); }
});
// A log box that changes size (a phone turned, a window resized) stays
// at its end while it follows.
new ResizeObserver(() => {
	if (S.follow) $('log').scrollTop = $('log').scrollHeight;
}).observe($('log'));
function showFollow() {
	$('log').dataset.follow = S.follow ? 'on' : 'off';
	$('follow-state').textContent = S.follow ? '' : 'Scrolling paused.';
	$('jump').hidden = S.follow;
}
$('jump').addEventListener('click', () => {
	const log = $('log');
	log.scrollTop = log.scrollHeight;
	S.follow = true;
	showFollow();
	log.focus();
});

function renderJob() {
	const o = S.open;
	if (!o) return;
	const j = o.job;
	$('job-h').textContent = jobTitle(j);
	if (j.status === 'deleted') {
		$('job-badge').textContent = 'deleted';
		$('job-badge').className = 'badge';
	} else badge($('job-badge'), j.status);
	$('job-urls').replaceChildren(...(j.urls || []).map((u) => el('li', { text: u })));
	// Progress: the share of URLs done plus this one's percent.
	const p = j.progress || {};
	const bar = $('job-progress');
	let pct = null;
	if (p.percent != null) pct = p.urls ? ((p.url - 1) + p.percent / 100) / p.urls * 100 : p.percent;
	else if (p.url != null && p.urls) pct = (p.url - 1) / p.urls * 100;
	if (j.status === 'completed') pct = 100;
	else if (pct == null && !isLive(j)) pct = 0;
	if (pct == null) bar.removeAttribute('value'); else bar.value = Math.max(0, Math.min(100, pct));
	bar.dataset.percent = pct == null ? '' : pct.toFixed(1);
	const bits = [];
	if (p.url != null) bits.push(`link ${p.url} of ${p.urls ?? '?'}`);
	if (p.track != null) bits.push(`track ${p.track}`);
	if (p.percent != null) bits.push(`${p.percent.toFixed(1)} %`);
	$('job-progress-text').textContent = bits.join(' · ') || (LIVE.has(j.status) ? 'not known yet' : '');
	const facts = [
		['Created', fmtTime(j.created_at)],
		['Started', fmtTime(j.started_at)],
		['Finished', fmtTime(j.finished_at)],
		['Duration', fmtDuration(duration(j))],
		['Errors', j.errors == null ? '—' : String(j.errors)],
		['Return code', j.return_code == null ? (settling(j) ? 'stopping…' : '—') : String(j.return_code)],
	];
	const opts = Object.entries(j.options || {});
	if (opts.length) facts.push(['Options', opts.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('; ')]);
	$('job-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
	$('job-command').textContent = j.command || '';
	const mine = !o.readonly && j.status !== 'deleted';
	$('act-cancel').hidden = !(mine && LIVE.has(j.status));
	$('act-retry').hidden = !(mine && !LIVE.has(j.status));
	$('act-delete').hidden = !(mine && !LIVE.has(j.status));
}

async function act(kind) {
	const o = S.open;
	if (!o) return;
	$('job-error').textContent = '';
	const id = encodeURIComponent(o.id);
	if (kind === 'cancel') {
		if (!confirm('Cancel this download? Files already written stay.')) return;
		const a = await api('POST', `/api/jobs/${id}/cancel`);
		if (a.status === 200 && o === S.open) { applyJob(a.data); schedule(); }
		else if (a.status !== 401) $('job-error').textContent = a.error;
	} else if (kind === 'retry') {
		const a = await api('POST', `/api/jobs/${id}/retry`);
		if (a.status === 201) {
			if (S.cursors.length === 1 && filterHas(a.data.status)) {
				S.jobs = [a.data, ...S.jobs].slice(0, PAGE);
				renderList();
			}
			openJob(a.data, a.headers.get('ETag'));
		} else if (a.status !== 401) $('job-error').textContent = a.error;
	} else if (kind === 'delete') {
		if (!confirm('Delete this download from the list? Its files stay on disk.')) return;
		const a = await api('DELETE', `/api/jobs/${id}`);
		if (a.status === 204) {
			S.jobs = S.jobs.filter((j) => j.id !== o.id);
			closeJob();
			loadList().then(() => schedule());
		} else if (a.status !== 401) $('job-error').textContent = a.error;
	}
}
$('act-cancel').addEventListener('click', () => act('cancel'));
$('act-retry').addEventListener('click', () => act('retry'));
$('act-delete').addEventListener('click', () => act('delete'));

// --- Admin -----------------------------------------------------------------
$('whose-form').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const who = $('whose').value.trim();
	setFieldError('whose', '');
	if (!who) return setFieldError('whose', 'Enter a user name.');
	const prev = S.whose, prevCursors = S.cursors;
	S.whose = who;
	S.cursors = [null];
	const a = await api('GET', listPath(null));
	if (a.status === 200) {
		if (S.open) closeJob();
		showList(a);
		schedule();
		$('jobs-h').focus();
	} else {
		S.whose = prev;
		S.cursors = prevCursors;
		if (a.status !== 401) setFieldError('whose', a.error);
	}
});
$('mine').addEventListener('click', () => {
	$('whose').value = '';
	setFieldError('whose', '');
	if (!S.whose) return;
	S.whose = null;
	S.cursors = [null];
	if (S.open) closeJob();
	loadList().then(() => { schedule(); $('jobs-h').focus(); });
});

async function loadSettings() {
	const a = await api('GET', '/api/admin/settings');
	if (a.status === 200) showSettings(a.data, true);
}
// showSettings: the keys the server returned, and only those.
function showSettings(data, keepEdits = false) {
	S.settings = data;
	const box = $('setting-fields');
	for (const [key, value] of Object.entries(data)) {
		const id = `set-${key}`;
		let input = $(id);
		if (!input) {
			const [label, min, max] = SETTINGS[key] || [key.replace(/_/g, ' '), 0, null];
			input = el('input', { id, name: key, type: 'number', step: 1, min, max: max ?? false,
				inputmode: 'numeric', 'aria-describedby': `${id}-help ${id}-error` });
			box.append(el('div', { class: 'field' }, el('label', { for: id, text: label }), input,
				el('p', { id: `${id}-help`, class: 'help', text: `${key}, ${min} to ${max ?? 'any'}` }),
				el('p', { id: `${id}-error`, class: 'error' })));
		}
		if (!keepEdits || input.dataset.server === input.value) input.value = String(value);
		input.dataset.server = String(value);
	}
}
$('settings-form').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	$('settings-status').textContent = '';
	$('settings-error').textContent = '';
	const change = {};
	let ok = true;
	for (const key of Object.keys(S.settings || {})) {
		const input = $(`set-${key}`);
		setFieldError(`set-${key}`, '');
		if (input.value === input.dataset.server) continue;
		const [, min, max] = SETTINGS[key] || [key, 0, null];
		const n = Number(input.value);
		if (input.value.trim() === '' || !Number.isInteger(n) || n < min || (max != null && n > max)) {
			setFieldError(`set-${key}`, `A whole number from ${min} to ${max ?? 'any'}.`);
			if (ok) input.focus();
			ok = false;
		} else change[key] = n;
	}
	if (!ok) return;
	if (!Object.keys(change).length) {
		$('settings-status').textContent = 'Nothing changed.';
		return;
	}
	const a = await api('PUT', '/api/admin/settings', { body: change });
	if (a.status === 200) {
		for (const key of Object.keys(change)) $(`set-${key}`).dataset.server = '';
		showSettings(a.data, false);
		$('settings-status').textContent = 'Saved.';
	} else if (a.status !== 401) {
		const m = /'([a-z_]+)'/.exec(a.error);
		if (m && $(`set-${m[1]}`)) {
			setFieldError(`set-${m[1]}`, a.error);
			$(`set-${m[1]}`).focus();
		} else $('settings-error').textContent = a.error;
	}
});

document.addEventListener('click', (ev) => {
	if (ev.target instanceof Element && ev.target.id === 'retry-now' && S.down) {
		clearTimeout(S.timer);
		checkHealth();
	}
});

buildOptionFields();
start();
