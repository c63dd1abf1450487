// Playwright global set-up: one `kongdb start` on SQLite for the whole run (GUI_URL, ADMIN_URL).
import { startKongdb } from './kongdb';

export default async function setup(): Promise<() => Promise<void>> {
  const kongdb = await startKongdb();
  process.env.GUI_URL = kongdb.guiUrl;
  process.env.ADMIN_URL = kongdb.adminUrl;
  return () => kongdb.stop();
}
