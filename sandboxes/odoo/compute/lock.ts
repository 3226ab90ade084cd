// "Lock Confirmed Sales" (res.config.settings.group_auto_done_setting, implied group
// sale.group_auto_done_setting) and what a lock forbids, per Odoo 17–19
// (docs/reference/odoo-hubspot-facts.md §1b–1c). The per-version differences (16:
// state 'done' instead of `locked`) belong here and nowhere else.

/** The group Odoo's settings imply on every internal user when the setting is on. */
export const AUTO_LOCK_GROUP = 'sale.group_auto_done_setting';

/**
 * action_confirm's tail: `if user.has_group('sale.group_auto_done_setting'): self.action_lock()`.
 * 18 checks the creator of the first order, 19 the feature flag; the sandbox's users
 * all carry the group or none do, so the confirming user stands for both.
 */
export function shouldLockOnConfirm(userGroups: readonly string[]): boolean {
  return userGroups.includes(AUTO_LOCK_GROUP);
}

/** ODOO_SANDBOX_LOCK_CONFIRMED_SALES=1: start the sandbox with the setting on (`npm start` and the sandbox alone). */
export function lockConfirmedSalesRequested(env: Record<string, string | undefined>): boolean {
  return /^(1|true|yes|on)$/i.test(env.ODOO_SANDBOX_LOCK_CONFIRMED_SALES ?? '');
}

/** action_lock on 17+: the order stays 'sale' and gets locked = True. */
export function lockValues(): Record<string, unknown> {
  return { locked: true };
}

export function isLocked(order: Record<string, unknown>): boolean {
  return order.locked === true;
}

/**
 * sale.order.line.write refuses these on a locked order (17/18 list; 19 renames
 * product_uom → product_uom_id, tax_id → tax_ids and adds discount). sale.order.write
 * itself has no lock check, so commitment_date stays writable on a locked order.
 */
export const LOCKED_LINE_FIELDS = ['product_id', 'name', 'price_unit', 'product_uom', 'product_uom_qty', 'tax_id', 'analytic_distribution'] as const;

export function lockedLineFieldsIn(vals: Record<string, unknown>): string[] {
  return LOCKED_LINE_FIELDS.filter((f) => Object.prototype.hasOwnProperty.call(vals, f));
}
