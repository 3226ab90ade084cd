// Migrates the Postgres store schema (STORE_URL, STORE_SCHEMA) to this build's latest
// version and exits: for deployments whose services connect as a role that does not
// own the schema (STORE_MIGRATE=0), run this once per release as the owner.
import { runMain } from '../core/main.ts';
import { loadStoreConfig } from '../store/config.ts';
import { describePostgresUrl, migratePostgres } from '../store/postgres.ts';

runMain('store-migrate', async () => {
  const config = loadStoreConfig();
  if (!config.STORE_URL) {
    console.log('STORE_URL is not set: the SQLite store migrates itself when opened');
    return;
  }
  await migratePostgres(config.STORE_URL, config.STORE_SCHEMA);
  console.log(`migrated ${describePostgresUrl(config.STORE_URL)} schema ${config.STORE_SCHEMA}`);
});
