// The Odoo models the project reads and writes, with the field types Odoo 17–19
// reports from `fields_get`. The connector validates and normalises what Odoo
// returns against these descriptions (mapping/records.ts, mapping/values.ts); the
// Odoo sandbox renders its stored records through them (sandboxes/odoo/types.ts
// describes that stored form).

export type OdooFieldType =
  | 'char' | 'text' | 'html' | 'integer' | 'float' | 'monetary' | 'boolean'
  | 'date' | 'datetime' | 'selection' | 'many2one' | 'one2many' | 'many2many';

export interface OdooFieldSpec {
  type: OdooFieldType;
  string: string;
  relation?: string;
  /** one2many: the many2one field on `relation` pointing back here. */
  inverse?: string;
  selection?: ReadonlyArray<readonly [string, string]>;
  companyDependent?: true;
  required?: true;
  readonly?: true;
  /** Computed in real Odoo (not stored, no write_date change); the sandbox computes it too. */
  computed?: true;
  /** Only readable by users in these groups in real Odoo (e.g. accounting). */
  groups?: string;
  default?: unknown;
}

export interface OdooModelSpec {
  description: string;
  /** Field used for display_name / the name in many2one pairs. */
  recName: string;
  /** Records carry company_id and are filtered by allowed_company_ids. */
  multiCompany?: true;
  /** Model has `active` and hides archived records unless active_test is false. */
  hasActive?: true;
  /** Default order of search/search_read. */
  order: string;
  fields: Record<string, OdooFieldSpec>;
}

const sel = (...pairs: Array<[string, string]>) => pairs;
const common = {
  id: { type: 'integer', string: 'ID', readonly: true },
  display_name: { type: 'char', string: 'Display Name', readonly: true, computed: true },
  create_date: { type: 'datetime', string: 'Created on', readonly: true },
  write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
} as const satisfies Record<string, OdooFieldSpec>;

export const ODOO_MODELS = {
  'res.currency': {
    description: 'Currency', recName: 'name', order: 'name', hasActive: true,
    fields: { ...common, name: { type: 'char', string: 'Currency', required: true }, symbol: { type: 'char', string: 'Symbol' }, active: { type: 'boolean', string: 'Active', default: true } },
  },
  'res.company': {
    description: 'Companies', recName: 'name', order: 'sequence, name',
    fields: {
      ...common,
      name: { type: 'char', string: 'Company Name', required: true },
      currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', required: true },
      sequence: { type: 'integer', string: 'Sequence', default: 10 },
      /** Settings → Invoicing → "Sales Credit Limit": partner credit limits only count when this is on (account/models/company.py). */
      account_use_credit_limit: { type: 'boolean', string: 'Sales Credit Limit', default: false },
    },
  },
  'res.users': {
    description: 'User', recName: 'name', order: 'name, login', hasActive: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Name' },
      login: { type: 'char', string: 'Login', required: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      company_ids: { type: 'many2many', string: 'Companies', relation: 'res.company' },
      active: { type: 'boolean', string: 'Active', default: true },
    },
  },
  'account.payment.term': {
    description: 'Payment Terms', recName: 'name', order: 'sequence, id', hasActive: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Payment Terms', required: true },
      note: { type: 'html', string: 'Description on the Invoice' },
      sequence: { type: 'integer', string: 'Sequence', default: 10 },
      active: { type: 'boolean', string: 'Active', default: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
    },
  },
  'product.pricelist': {
    description: 'Pricelist', recName: 'name', order: 'sequence, id, name', hasActive: true, multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Pricelist Name', required: true },
      currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', required: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      sequence: { type: 'integer', string: 'Sequence', default: 16 },
      active: { type: 'boolean', string: 'Active', default: true },
      /** Custom field a real Odoo needs too (README, Odoo settings): the maximum discount (percent) the pricelist allows; confirmQuote checks quote lines against it instead of evaluating pricelist rules. */
      x_max_discount: { type: 'float', string: 'Maximum Discount (%)' },
    },
  },
  'product.pricelist.item': {
    description: 'Pricelist Rule', recName: 'pricelist_id', order: 'applied_on, min_quantity desc, id desc', multiCompany: true,
    fields: {
      ...common,
      pricelist_id: { type: 'many2one', string: 'Pricelist', relation: 'product.pricelist', required: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      applied_on: { type: 'selection', string: 'Apply On', selection: sel(['3_global', 'All Products'], ['2_product_category', 'Product Category'], ['1_product', 'Product'], ['0_product_variant', 'Product Variant']), default: '3_global', required: true },
      product_id: { type: 'many2one', string: 'Product Variant', relation: 'product.product' },
      min_quantity: { type: 'float', string: 'Min. Quantity', default: 0 },
      compute_price: { type: 'selection', string: 'Price Type', selection: sel(['fixed', 'Fixed Price'], ['percentage', 'Discount'], ['formula', 'Formula']), default: 'fixed', required: true },
      fixed_price: { type: 'float', string: 'Fixed Price' },
      percent_price: { type: 'float', string: 'Percentage Price' },
      date_start: { type: 'datetime', string: 'Start Date' },
      date_end: { type: 'datetime', string: 'End Date' },
    },
  },
  'account.incoterms': {
    description: 'Incoterms', recName: 'code', order: 'code', hasActive: true,
    fields: { ...common, name: { type: 'char', string: 'Name', required: true }, code: { type: 'char', string: 'Code', required: true }, active: { type: 'boolean', string: 'Active', default: true } },
  },
  'uom.uom': {
    description: 'Product Unit of Measure', recName: 'name', order: 'name', hasActive: true,
    fields: { ...common, name: { type: 'char', string: 'Unit of Measure', required: true }, active: { type: 'boolean', string: 'Active', default: true } },
  },
  'stock.warehouse': {
    description: 'Warehouse', recName: 'name', order: 'sequence, id', hasActive: true, multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Warehouse', required: true },
      code: { type: 'char', string: 'Short Name', required: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company', required: true },
      sequence: { type: 'integer', string: 'Sequence', default: 10 },
      active: { type: 'boolean', string: 'Active', default: true },
    },
  },
  'delivery.carrier': {
    description: 'Shipping Methods', recName: 'name', order: 'sequence, id', hasActive: true,
    fields: { ...common, name: { type: 'char', string: 'Delivery Method', required: true }, sequence: { type: 'integer', string: 'Sequence', default: 10 }, active: { type: 'boolean', string: 'Active', default: true } },
  },
  'res.partner': {
    description: 'Contact', recName: 'name', order: 'complete_name ASC, id DESC', hasActive: true, multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Name' },
      complete_name: { type: 'char', string: 'Complete Name', computed: true },
      is_company: { type: 'boolean', string: 'Is a Company', default: false },
      parent_id: { type: 'many2one', string: 'Related Company', relation: 'res.partner' },
      child_ids: { type: 'one2many', string: 'Contact', relation: 'res.partner', inverse: 'parent_id' },
      /** Internal reference: holds the HubSpot company id (the cross-reference, §4). */
      ref: { type: 'char', string: 'Reference' },
      vat: { type: 'char', string: 'Tax ID' },
      email: { type: 'char', string: 'Email' },
      phone: { type: 'char', string: 'Phone' },
      website: { type: 'char', string: 'Website Link' },
      street: { type: 'char', string: 'Street' },
      city: { type: 'char', string: 'City' },
      zip: { type: 'char', string: 'Zip' },
      country_code: { type: 'char', string: 'Country Code', computed: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      customer_rank: { type: 'integer', string: 'Customer Rank', default: 0 },
      active: { type: 'boolean', string: 'Active', default: true },
      property_payment_term_id: { type: 'many2one', string: 'Customer Payment Terms', relation: 'account.payment.term', companyDependent: true },
      property_product_pricelist: { type: 'many2one', string: 'Pricelist', relation: 'product.pricelist', companyDependent: true },
      credit_limit: { type: 'float', string: 'Credit Limit', companyDependent: true, groups: 'account.group_account_invoice,account.group_account_readonly' },
      use_partner_credit_limit: { type: 'boolean', string: 'Partner Limit', computed: true, groups: 'account.group_account_invoice,account.group_account_readonly' },
      /** Total receivable: sum of open residuals of posted customer invoices (minus refunds) in the current company. */
      credit: { type: 'monetary', string: 'Total Receivable', computed: true, groups: 'account.group_account_invoice,account.group_account_readonly' },
    },
  },
  'product.product': {
    description: 'Product Variant', recName: 'name', order: 'default_code, name, id', hasActive: true, multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Name', required: true },
      default_code: { type: 'char', string: 'Internal Reference' },
      list_price: { type: 'float', string: 'Sales Price', default: 1 },
      standard_price: { type: 'float', string: 'Cost', companyDependent: true, groups: 'base.group_user' },
      uom_id: { type: 'many2one', string: 'Unit of Measure', relation: 'uom.uom', required: true },
      type: { type: 'selection', string: 'Product Type', selection: sel(['consu', 'Goods'], ['service', 'Service'], ['combo', 'Combo']), default: 'consu' },
      is_storable: { type: 'boolean', string: 'Track Inventory', default: false },
      sale_ok: { type: 'boolean', string: 'Can be Sold', default: true },
      sale_delay: { type: 'float', string: 'Customer Lead Time', default: 0 },
      /** product.template.invoice_policy: invoice what was ordered or what was delivered (drives qty_to_invoice). */
      invoice_policy: { type: 'selection', string: 'Invoicing Policy', selection: sel(['order', 'Ordered quantities'], ['delivery', 'Delivered quantities']), default: 'order' },
      produce_delay: { type: 'float', string: 'Manufacturing Lead Time', default: 0 },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      active: { type: 'boolean', string: 'Active', default: true },
      // Computed stock figures. Without a `warehouse_id` in the context they sum the
      // warehouses of the allowed companies; with one they are that warehouse's.
      qty_available: { type: 'float', string: 'Quantity On Hand', computed: true },
      virtual_available: { type: 'float', string: 'Forecasted Quantity', computed: true },
      free_qty: { type: 'float', string: 'Free To Use Quantity', computed: true },
    },
  },
  'sale.order': {
    description: 'Sales Order', recName: 'name', order: 'date_order desc, id desc', multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Order Reference', required: true },
      state: { type: 'selection', string: 'Status', selection: sel(['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']), default: 'draft' },
      locked: { type: 'boolean', string: 'Locked', default: false },
      partner_id: { type: 'many2one', string: 'Customer', relation: 'res.partner', required: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company', required: true },
      currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency' },
      pricelist_id: { type: 'many2one', string: 'Pricelist', relation: 'product.pricelist' },
      payment_term_id: { type: 'many2one', string: 'Payment Terms', relation: 'account.payment.term' },
      incoterm: { type: 'many2one', string: 'Incoterm', relation: 'account.incoterms' },
      /** sale_stock: 'direct' ships each product when available (expected date = earliest line), 'one' ships all at once (latest line). */
      picking_policy: { type: 'selection', string: 'Shipping Policy', selection: sel(['direct', 'As soon as possible'], ['one', 'When all products are ready']), default: 'direct' },
      client_order_ref: { type: 'char', string: 'Customer Reference' },
      origin: { type: 'char', string: 'Source Document' },
      // A custom field (Settings → Technical → Fields, like x_max_discount): the integration attempt that created the order.
      x_integration_attempt: { type: 'char', string: 'Integration Attempt' },
      date_order: { type: 'datetime', string: 'Order Date', required: true },
      commitment_date: { type: 'datetime', string: 'Delivery Date' },
      expected_date: { type: 'datetime', string: 'Expected Date', computed: true },
      effective_date: { type: 'datetime', string: 'Effective Date', computed: true },
      amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', computed: true },
      amount_tax: { type: 'monetary', string: 'Taxes', computed: true },
      amount_total: { type: 'monetary', string: 'Total', computed: true },
      order_line: { type: 'one2many', string: 'Order Lines', relation: 'sale.order.line', inverse: 'order_id' },
      picking_ids: { type: 'one2many', string: 'Transfers', relation: 'stock.picking', inverse: 'sale_id' },
      invoice_ids: { type: 'many2many', string: 'Invoices', relation: 'account.move', computed: true },
      mrp_production_ids: { type: 'many2many', string: 'Manufacturing orders', relation: 'mrp.production', computed: true },
      delivery_status: { type: 'selection', string: 'Delivery Status', selection: sel(['pending', 'Not Delivered'], ['started', 'Started'], ['partial', 'Partially Delivered'], ['full', 'Fully Delivered']), computed: true },
      invoice_status: { type: 'selection', string: 'Invoice Status', selection: sel(['upselling', 'Upselling Opportunity'], ['invoiced', 'Fully Invoiced'], ['to invoice', 'To Invoice'], ['no', 'Nothing to Invoice']), computed: true },
    },
  },
  'sale.order.line': {
    description: 'Sales Order Line', recName: 'name', order: 'order_id, sequence, id', multiCompany: true,
    fields: {
      ...common,
      order_id: { type: 'many2one', string: 'Order Reference', relation: 'sale.order', required: true },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      sequence: { type: 'integer', string: 'Sequence', default: 10 },
      name: { type: 'text', string: 'Description', required: true },
      product_id: { type: 'many2one', string: 'Product', relation: 'product.product' },
      product_uom_qty: { type: 'float', string: 'Quantity', default: 1 },
      product_uom: { type: 'many2one', string: 'Unit of Measure', relation: 'uom.uom' },
      /** sale_stock: defaults from the product's sale_delay when the product is set; an edit on the line sticks. */
      customer_lead: { type: 'float', string: 'Lead Time', default: 0 },
      qty_delivered: { type: 'float', string: 'Delivery Quantity', default: 0 },
      qty_invoiced: { type: 'float', string: 'Invoiced Quantity', computed: true, default: 0 },
      price_unit: { type: 'float', string: 'Unit Price', default: 0 },
      discount: { type: 'float', string: 'Discount (%)', default: 0 },
      price_subtotal: { type: 'monetary', string: 'Subtotal', computed: true },
      price_total: { type: 'monetary', string: 'Total', computed: true },
      currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency' },
    },
  },
  'stock.picking': {
    description: 'Transfer', recName: 'name', order: 'priority desc, scheduled_date asc, id desc', multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Reference' },
      state: { type: 'selection', string: 'Status', selection: sel(['draft', 'Draft'], ['waiting', 'Waiting Another Operation'], ['confirmed', 'Waiting'], ['assigned', 'Ready'], ['done', 'Done'], ['cancel', 'Cancelled']), default: 'draft' },
      priority: { type: 'selection', string: 'Priority', selection: sel(['0', 'Normal'], ['1', 'Urgent']), default: '0' },
      picking_type_code: { type: 'selection', string: 'Type of Operation', selection: sel(['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']) },
      partner_id: { type: 'many2one', string: 'Contact', relation: 'res.partner' },
      sale_id: { type: 'many2one', string: 'Sales Order', relation: 'sale.order' },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      origin: { type: 'char', string: 'Source Document' },
      scheduled_date: { type: 'datetime', string: 'Scheduled Date' },
      date_deadline: { type: 'datetime', string: 'Deadline' },
      date_done: { type: 'datetime', string: 'Date of Transfer' },
      carrier_id: { type: 'many2one', string: 'Carrier', relation: 'delivery.carrier' },
      carrier_tracking_ref: { type: 'char', string: 'Tracking Reference' },
      move_ids: { type: 'one2many', string: 'Stock moves', relation: 'stock.move', inverse: 'picking_id' },
    },
  },
  'stock.move': {
    description: 'Stock Move', recName: 'reference', order: 'sequence, id', multiCompany: true,
    fields: {
      ...common,
      reference: { type: 'char', string: 'Reference', computed: true },
      picking_id: { type: 'many2one', string: 'Transfer', relation: 'stock.picking' },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
      sequence: { type: 'integer', string: 'Sequence', default: 10 },
      product_id: { type: 'many2one', string: 'Product', relation: 'product.product', required: true },
      product_uom_qty: { type: 'float', string: 'Demand', default: 0 },
      quantity: { type: 'float', string: 'Quantity', default: 0 },
      product_uom: { type: 'many2one', string: 'UoM', relation: 'uom.uom' },
      state: { type: 'selection', string: 'Status', selection: sel(['draft', 'New'], ['waiting', 'Waiting Another Move'], ['confirmed', 'Waiting Availability'], ['partially_available', 'Partially Available'], ['assigned', 'Available'], ['done', 'Done'], ['cancel', 'Cancelled']), default: 'draft' },
    },
  },
  'mrp.production': {
    description: 'Manufacturing Order', recName: 'name', order: 'priority desc, date_start asc, id', multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Reference' },
      priority: { type: 'selection', string: 'Priority', selection: sel(['0', 'Normal'], ['1', 'Urgent']), default: '0' },
      state: { type: 'selection', string: 'State', selection: sel(['draft', 'Draft'], ['confirmed', 'Confirmed'], ['progress', 'In Progress'], ['to_close', 'To Close'], ['done', 'Done'], ['cancel', 'Cancelled']), default: 'draft' },
      product_id: { type: 'many2one', string: 'Product', relation: 'product.product', required: true },
      product_qty: { type: 'float', string: 'Quantity To Produce', default: 1 },
      qty_producing: { type: 'float', string: 'Quantity Producing', default: 0 },
      product_uom_id: { type: 'many2one', string: 'Product Unit of Measure', relation: 'uom.uom' },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company', required: true },
      origin: { type: 'char', string: 'Source' },
      // Odoo 18+ (connectors/odoo/versions.ts): the order line the MO was created for.
      sale_line_id: { type: 'many2one', string: 'Origin sale order line', relation: 'sale.order.line' },
      date_start: { type: 'datetime', string: 'Start' },
      date_finished: { type: 'datetime', string: 'End' },
      date_deadline: { type: 'datetime', string: 'Deadline' },
    },
  },
  'account.move': {
    description: 'Journal Entry', recName: 'name', order: 'date desc, name desc, id desc', multiCompany: true,
    fields: {
      ...common,
      name: { type: 'char', string: 'Number' },
      move_type: { type: 'selection', string: 'Type', selection: sel(['entry', 'Journal Entry'], ['out_invoice', 'Customer Invoice'], ['out_refund', 'Customer Credit Note'], ['in_invoice', 'Vendor Bill'], ['in_refund', 'Vendor Credit Note']), default: 'entry' },
      state: { type: 'selection', string: 'Status', selection: sel(['draft', 'Draft'], ['posted', 'Posted'], ['cancel', 'Cancelled']), default: 'draft' },
      payment_state: { type: 'selection', string: 'Payment Status', selection: sel(['not_paid', 'Not Paid'], ['in_payment', 'In Payment'], ['paid', 'Paid'], ['partial', 'Partially Paid'], ['reversed', 'Reversed'], ['blocked', 'Blocked'], ['invoicing_legacy', 'Invoicing App Legacy']), default: 'not_paid' },
      partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner' },
      company_id: { type: 'many2one', string: 'Company', relation: 'res.company', required: true },
      currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency' },
      date: { type: 'date', string: 'Date' },
      invoice_date: { type: 'date', string: 'Invoice/Bill Date' },
      invoice_date_due: { type: 'date', string: 'Due Date' },
      invoice_origin: { type: 'char', string: 'Origin' },
      amount_untaxed: { type: 'monetary', string: 'Untaxed Amount' },
      amount_total: { type: 'monetary', string: 'Total' },
      amount_residual: { type: 'monetary', string: 'Amount Due' },
      invoice_payment_term_id: { type: 'many2one', string: 'Payment Terms', relation: 'account.payment.term' },
    },
  },
} as const satisfies Record<string, OdooModelSpec>;

export type OdooModelName = keyof typeof ODOO_MODELS;
