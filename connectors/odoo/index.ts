// The Odoo connector's public surface.
export { OdooClient, createOdooClient, READ_METHODS, type CallOptions, type Domain, type OdooContext, type OdooPage, type RawRecord, type OdooClientHooks } from './odoo-client.ts';
export { odooConfigSchema, loadOdooConfig, describeOdooConfig, type OdooConfig } from './config.ts';
