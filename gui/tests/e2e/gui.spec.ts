// The GUI in Debian's Chromium against a real `kongdb start` on SQLite: the scenario,
// screenshots of the main views (screenshots/, not committed), and the measurements.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { guiRoot, startKongdb } from '../support/kongdb';

const gui = (): string => process.env.GUI_URL as string;
const admin = (): string => process.env.ADMIN_URL as string;
const shots = path.join(guiRoot, 'screenshots');
mkdirSync(shots, { recursive: true });

async function adminCall(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(admin() + p, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

/** Many entities in parallel batches, through the Admin API (the GUI is not what is measured). */
async function seed(collection: string, bodies: unknown[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 25) {
    const results = await Promise.all(bodies.slice(i, i + 25).map((b) => adminCall('POST', `/${collection}`, b)));
    for (const r of results) expect(r.status, JSON.stringify(r.json)).toBe(201);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** A small first-screen picture (the README's are picked from these). */
async function smallShot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 960, height: 540 });
  await page.screenshot({ path: path.join(shots, `${name}-small.png`) });
  if (size) await page.setViewportSize(size);
}

async function fill(page: Page, fieldPath: string, value: string): Promise<void> {
  await page.locator(`[data-path="${fieldPath}"]`).locator('input, textarea, select').first().fill(value);
}

test.describe.configure({ mode: 'serial' });

test('the overview shows the node, its database and the entities', async ({ page }) => {
  await page.goto(gui());
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('database')).toHaveText('sqlite');
  await expect(page.getByTestId('count-services')).toHaveText('0');
  await shot(page, 'overview');
});

test('creates a service from the generated form', async ({ page }) => {
  await page.goto(`${gui()}/#/e/services`);
  await page.getByRole('link', { name: 'New services' }).click();
  await fill(page, 'name', 'orders');
  await fill(page, 'host', 'orders.internal');
  await fill(page, 'port', '8080');
  await page.locator('[data-path="protocol"] select').selectOption('https');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: /services orders/ })).toBeVisible();
  await expect(page.locator('dd[data-field="port"]')).toHaveText('8080');
  await expect(page.locator('dd[data-field="protocol"]')).toHaveText('https');
});

test("shows Kong's validation error under the right field", async ({ page }) => {
  await page.goto(`${gui()}/#/e/services/new`);
  await fill(page, 'name', 'bad-port');
  await fill(page, 'host', 'example.com');
  await fill(page, 'port', '70000');
  await page.getByRole('button', { name: 'Create' }).click();
  const portError = page.locator('[data-path="port"] .field-error');
  await expect(portError).toHaveText('value should be between 0 and 65535');
  await expect(page.getByTestId('form-error')).toContainText('schema violation');
  await expect(page.locator('[data-path="host"] .field-error')).toHaveCount(0);
  await shot(page, 'validation-error');
  await page.getByTestId('form-error').evaluate((e) => e.scrollIntoView());
  await smallShot(page, 'validation-error');
});

test('adds a route with a regex path to the service, then key-auth on the route', async ({ page }) => {
  await page.goto(`${gui()}/#/e/services/orders`);
  await page.getByTestId('nested-routes').getByRole('link', { name: 'Add routes' }).click();
  await fill(page, 'name', 'order-by-id');
  await fill(page, 'paths', '~/orders/\\d+$');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: /routes order-by-id/ })).toBeVisible();
  await expect(page.locator('dd[data-field="paths"]')).toHaveText('~/orders/\\d+$');

  await page.getByTestId('nested-plugins').getByRole('link', { name: 'Add plugins' }).click();
  await page.getByLabel('Plugin').selectOption('key-auth');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('[data-path="config.key_names"] textarea')).toHaveValue('apikey');
  await shot(page, 'plugin-form');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: /plugins key-auth/ })).toBeVisible();

  const plugins = await adminCall('GET', '/routes/order-by-id/plugins');
  expect(plugins.json.data.map((p: { name: string }) => p.name)).toEqual(['key-auth']);
});

test('creates a consumer with a key-auth credential', async ({ page }) => {
  await page.goto(`${gui()}/#/e/consumers/new`);
  await fill(page, 'username', 'alice');
  await fill(page, 'tags', 'vip');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: /consumers alice/ })).toBeVisible();
  await page.getByTestId('nested-key-auth').getByRole('link', { name: /Add keyauth_credentials/ }).click();
  await fill(page, 'key', 'alice-secret-key');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: /keyauth_credentials alice-secret-key/ })).toBeVisible();
  await page.goto(`${gui()}/#/e/consumers/alice`);
  await expect(page.getByTestId('nested-key-auth')).toContainText('alice-secret-key');
  await shot(page, 'consumer-detail');
});

test("adds a target to an upstream through the upstream's nested collection", async ({ page }) => {
  expect((await adminCall('POST', '/upstreams', { name: 'orders-upstream' })).status).toBe(201);
  await page.goto(`${gui()}/#/e/upstreams/orders-upstream`);
  await page.getByTestId('nested-targets').getByRole('link', { name: 'Add targets' }).click();
  await fill(page, 'target', '127.0.0.1:8080');
  await fill(page, 'weight', '50');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('nested-targets')).toContainText('127.0.0.1:8080');
  expect((await adminCall('GET', '/upstreams/orders-upstream/targets')).json.data[0].weight).toBe(50);
});

test('edits the service', async ({ page }) => {
  await page.goto(`${gui()}/#/e/services/orders`);
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.locator('[data-path="retries"] input')).toHaveValue('5');
  await fill(page, 'retries', '3');
  await fill(page, 'tags', 'edited');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('dd[data-field="retries"]')).toHaveText('3');
  await expect(page.locator('dd[data-field="tags"]')).toHaveText('edited');
  expect((await adminCall('GET', '/services/orders')).json.retries).toBe(3);
});

test("edits the plugin's config from the plugin's schema", async ({ page }) => {
  const plugin = (await adminCall('GET', '/routes/order-by-id/plugins')).json.data[0];
  await page.goto(`${gui()}/#/e/plugins/${plugin.id}/edit`);
  await page.locator('[data-path="config.hide_credentials"] input').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: /plugins key-auth/ })).toBeVisible();
  const saved = (await adminCall('GET', `/plugins/${plugin.id}`)).json;
  expect(saved.config.hide_credentials).toBe(true);
  expect(saved.config.key_names).toEqual(['apikey']);
  expect(saved.route.id).toBe(plugin.route.id);
});

test('paginates 250 consumers with one Admin API request per page', async ({ page }) => {
  await seed(
    'consumers',
    Array.from({ length: 249 }, (_, i) => ({ username: `user-${String(i).padStart(3, '0')}`, tags: i < 2 ? ['bulk', 'vip'] : ['bulk'] })),
  );
  const listCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${admin()}/consumers?`)) listCalls.push(r.url());
  });
  await page.goto(`${gui()}/#/e/consumers`);
  const rows = page.getByTestId('list-consumers').locator('tbody tr');
  await expect(rows).toHaveCount(100);
  const next = page.getByRole('button', { name: 'Next' });
  await next.click();
  await expect(rows).toHaveCount(100);
  await next.click();
  await expect(rows).toHaveCount(50);
  await expect(next).toBeDisabled();
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(rows).toHaveCount(100);
  expect(listCalls.length).toBe(4);
  await shot(page, 'consumers-list');
});

test('filters a list by tag', async ({ page }) => {
  await page.goto(`${gui()}/#/e/consumers`);
  await page.getByLabel('Tags').fill('vip');
  await page.getByRole('button', { name: 'Filter' }).click();
  const rows = page.getByTestId('list-consumers').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('list-consumers')).toContainText('alice');
});

test('finds an entity by its name', async ({ page }) => {
  await page.goto(`${gui()}/#/e/consumers`);
  await page.getByLabel('Find by id or name').fill('user-123');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('heading', { name: /consumers user-123/ })).toBeVisible();
});

test("explains Kong's foreign-key refusal, then deletes with the referencing routes", async ({ page }) => {
  await page.goto(`${gui()}/#/e/services/orders`);
  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText("an existing 'routes' entity references this 'services' entity");
  await expect(dialog.getByRole('alert')).toContainText('on_delete = restrict');
  await shot(page, 'delete-refused');
  await dialog.getByRole('button', { name: 'Delete its routes too' }).click();
  await expect(page.getByRole('heading', { name: 'services', exact: true })).toBeVisible();
  expect((await adminCall('GET', '/services/orders')).status).toBe(404);
  expect((await adminCall('GET', '/routes/order-by-id')).status).toBe(404);
  // The route's key-auth plugin went with it (on_delete = cascade).
  expect((await adminCall('GET', '/plugins')).json.data).toEqual([]);
});

test('renders names and tags carrying HTML as text, running nothing', async ({ page }) => {
  const payload = '<img src=x onerror="window.__xss=1">';
  // Kong's tags allow no space or '/', so markup in them cannot carry attributes; still text.
  const created = await adminCall('POST', '/consumers', {
    username: payload,
    custom_id: '<script>window.__xss=2</script>',
    tags: ['<b>bold<b>', '<script>window.__xss=3<script>'],
  });
  expect(created.status).toBe(201);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${gui()}/#/e/consumers`);
  await page.getByLabel('Find by id or name').fill(created.json.id);
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('heading', { name: /consumers/ })).toContainText(payload);
  await expect(page.locator('dd[data-field="custom_id"]')).toHaveText('<script>window.__xss=2</script>');
  await page.goto(`${gui()}/#/e/consumers/new`);
  await page.goto(`${gui()}/#/e/consumers?size=1000`);
  await expect(page.getByTestId('list-consumers')).toContainText(payload);
  await expect(page.getByTestId('list-consumers')).toContainText('<b>bold<b>');
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('main b, main script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

test('a failed Admin API call shows a message, not a blank page', async ({ page }) => {
  await page.goto(`${gui()}/#/e/services/no-such-service`);
  await expect(page.getByRole('alert')).toContainText("No services 'no-such-service'");
});

test('hides writes and shows the declarative configuration when GET / says database off', async ({ page }) => {
  // kongdb always has a database: Kong's DB-less answer to GET / is simulated in the browser.
  await page.route(`${admin()}/`, async (route) => {
    const response = await route.fetch();
    const info = await response.json();
    info.configuration.database = 'off';
    await route.fulfill({ response, json: info });
  });
  await page.goto(`${gui()}/#/e/consumers`);
  await expect(page.getByTestId('list-consumers')).toBeVisible();
  await expect(page.getByRole('link', { name: /^New / })).toHaveCount(0);
  await page.getByRole('link', { name: 'declarative config' }).click();
  await expect(page.getByRole('heading', { name: 'Declarative configuration' })).toBeVisible();
  // kongdb's /config answers as Kong with a database does; the GUI shows that message.
  await expect(page.getByRole('alert')).toContainText('only available when Kong is configured to not use a database');
});

test('works from the keyboard', async ({ page }) => {
  await page.goto(`${gui()}/#/e/consumers`);
  await page.getByLabel('Find by id or name').focus();
  await page.keyboard.type('alice');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /consumers alice/ })).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await expect(page.getByRole('dialog').getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  expect((await adminCall('GET', '/consumers/alice')).status).toBe(200);
});

test('is usable at a phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${gui()}/#/e/consumers`);
  await expect(page.getByTestId('list-consumers').locator('tbody tr')).toHaveCount(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'phone-consumers');
});

test('follows a dark colour scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(gui());
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(18, 21, 27)');
  await shot(page, 'overview-dark');
});

test('asks for the admin token and keeps it in the session only', async ({ page }) => {
  const guarded = await startKongdb({ KONG_ADMIN_TOKEN: 's3cret' });
  try {
    await page.goto(guarded.guiUrl);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await page.getByLabel('Kong-Admin-Token').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toContainText('Invalid credentials');
    await page.getByLabel('Kong-Admin-Token').fill('s3cret');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    const storage = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ session: 1, local: 0, cookie: '' });
  } finally {
    await guarded.stop();
  }
});

test('measures the bundle and the first render of a 1000-service list', async ({ page }) => {
  await seed('services', Array.from({ length: 1000 }, (_, i) => ({ name: `svc-${String(i).padStart(4, '0')}`, host: `h${i}.internal`, tags: ['perf'] })));
  const assets = path.join(guiRoot, 'dist', 'assets');
  let raw = 0;
  let gzip = 0;
  for (const f of readdirSync(assets)) {
    const content = readFileSync(path.join(assets, f));
    raw += content.length;
    gzip += gzipSync(content, { level: 9 }).length;
  }
  const serviceCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${admin()}/services`)) serviceCalls.push(r.url());
  });
  await page.goto(`${gui()}/#/e/services`);
  await expect(page.getByTestId('list-services').locator('tbody tr')).toHaveCount(100);
  const firstRender = await page.evaluate(() => performance.getEntriesByName('kongdb-list-rendered')[0]?.startTime ?? -1);
  const pageRequestMs = (p: Page): Promise<number> =>
    p.evaluate(() => performance.getEntriesByType('resource').find((e) => /\/services\?size=/.test(e.name))?.duration ?? -1);
  const firstPageRequest = await pageRequestMs(page);
  expect(firstRender).toBeGreaterThan(0);
  expect(serviceCalls).toHaveLength(1);
  await shot(page, 'services-list');
  await smallShot(page, 'services-list');

  // All 1000 on one page (size=1000, Kong's maximum), in a fresh page load.
  const fresh = await page.context().newPage();
  await fresh.goto(`${gui()}/#/e/services?size=1000`);
  await expect(fresh.getByTestId('list-services').locator('tbody tr')).toHaveCount(1000);
  const thousandRender = await fresh.evaluate(() => performance.getEntriesByName('kongdb-list-rendered')[0]?.startTime ?? -1);
  const thousandRequest = await pageRequestMs(fresh);
  await fresh.close();

  const services = (await adminCall('GET', '/services?size=1000')).json.data.length;
  const numbers = {
    bundle_bytes: raw,
    bundle_gzip_bytes: gzip,
    services,
    first_render_ms_first_page_of_100: Math.round(firstRender),
    admin_api_ms_of_that_page: Math.round(firstPageRequest),
    first_render_ms_all_1000_on_one_page: Math.round(thousandRender),
    admin_api_ms_of_that_page_of_1000: Math.round(thousandRequest),
    admin_api_requests_for_the_page: serviceCalls.length,
  };
  console.log(`GUI numbers: ${JSON.stringify(numbers)}`);
  mkdirSync(path.join(guiRoot, 'test-results'), { recursive: true });
  writeFileSync(path.join(guiRoot, 'test-results', 'gui-numbers.json'), JSON.stringify(numbers, null, 2));
});
